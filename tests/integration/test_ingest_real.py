"""IngestFile on real Postgres, ffmpeg, Chromaprint, mutagen and filesystem storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.event_log import PostgresEventLog
from application.library.ingest_file import IngestFile
from domain.library.ingest_outcome import IngestStatus
from tests.support.audio_factory import encode, synth_track, write_wav
from tests.support.fixtures.integration import stored_blobs


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def test_ingest_writes_row_event_and_blob(
    ingest: IngestFile, engine: AsyncEngine, audio_dir: Path, storage_root: Path
) -> None:
    wav = write_wav(audio_dir / "melody.wav", synth_track(1, 12.0, rate=44_100))
    mp3 = encode(
        wav, audio_dir / "melody.mp3", "-metadata", "title=Melody", "-metadata", "artist=Synth"
    )
    outcome = await ingest(mp3)
    assert outcome.status is IngestStatus.INGESTED
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM tracks"))).one()
        event = (await conn.execute(text("SELECT * FROM events"))).one()
    assert (row.title, row.artist, row.format, row.id) == (
        "Melody",
        "Synth",
        "mp3",
        outcome.track_id,
    )
    assert row.duration_seconds == pytest.approx(12.0, abs=0.1)
    assert row.bitrate and row.channels == 1 and row.sample_rate == 44_100
    assert len(row.chromaprint) > 50
    assert event.type == "TrackIngested" and event.aggregate_id == outcome.track_id
    assert event.payload["storage_key"] == row.storage_key
    assert [
        p.relative_to(storage_root / "blobs").as_posix() for p in stored_blobs(storage_root)
    ] == [row.storage_key]


async def test_a_reencoded_copy_is_reported_as_duplicate(
    ingest: IngestFile, audio_dir: Path
) -> None:
    wav = write_wav(audio_dir / "original.wav", synth_track(2, 20.0, rate=44_100))
    first = await ingest(wav)
    copy = await ingest(encode(wav, audio_dir / "copy.ogg", "-ar", "22050"))
    again = await ingest(wav)
    assert copy.status is IngestStatus.DUPLICATE and copy.track_id == first.track_id
    assert again.status is IngestStatus.DUPLICATE and again.track_id == first.track_id


def _file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def _truncated(folder: Path) -> Path:
    whole = write_wav(folder / "whole.wav", synth_track(3, 10.0))
    cut = folder / "cut.wav"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    return cut


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda d: d / "missing.flac", "UNREADABLE_FILE"),
        (lambda d: d, "UNREADABLE_FILE"),  # a directory
        (lambda d: _file(d / "empty.mp3", b""), "EMPTY_FILE"),
        (lambda d: _file(d / "notes.mp3", b"just text"), "UNSUPPORTED_FORMAT"),
        (lambda d: write_wav(d / "short.wav", synth_track(4, 1.5)), "AUDIO_TOO_SHORT"),
        (lambda d: write_wav(d / "long.wav", synth_track(5, 61.0)), "AUDIO_TOO_LONG"),
        (_truncated, "CORRUPT_AUDIO"),
    ],
)
async def test_bad_input_is_refused_with_nothing_stored(  # type: ignore[no-untyped-def]
    ingest: IngestFile, engine: AsyncEngine, audio_dir: Path, storage_root: Path, make, code: str
) -> None:
    outcome = await ingest(make(audio_dir))
    assert (outcome.status, outcome.code) == (IngestStatus.FAILED, code)
    assert outcome.reason
    assert await _count(engine, "tracks") == 0 and await _count(engine, "events") == 0
    assert stored_blobs(storage_root) == []


async def test_failure_after_the_blob_write_leaves_nothing_behind(
    ingest: IngestFile,
    engine: AsyncEngine,
    audio_dir: Path,
    storage_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken_append(self: PostgresEventLog, event: object) -> None:
        raise ConnectionResetError("connection lost while appending")

    monkeypatch.setattr(PostgresEventLog, "append", broken_append)
    with pytest.raises(ConnectionResetError):
        await ingest(write_wav(audio_dir / "song.wav", synth_track(6, 8.0)))
    assert await _count(engine, "tracks") == 0
    assert await _count(engine, "chromaprint_terms") == 0
    assert stored_blobs(storage_root) == []


async def test_the_event_log_refuses_edits(
    engine: AsyncEngine, ingest: IngestFile, audio_dir: Path
) -> None:
    await ingest(write_wav(audio_dir / "song.wav", synth_track(7, 8.0)))
    for statement in ("UPDATE events SET type = 'x'", "DELETE FROM events", "TRUNCATE events"):
        async with engine.connect() as conn:
            with pytest.raises(Exception, match="append-only"):
                await conn.execute(text(statement))
    assert await _count(engine, "events") == 1

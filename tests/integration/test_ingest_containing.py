"""A longer file that holds a library track, through IngestFile on real Postgres, ffmpeg
and Chromaprint: the whole recording replaces a copy cut short, a mix that holds the track
is reported as containing it and replaces nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from application.library.ingest_file import IngestFile
from domain.library.continuation import Containing
from domain.library.ingest_outcome import IngestOutcome, IngestStatus
from tests.support.audio_factory import encode, joined, synth_track, talk, whole_song, write_wav
from tests.support.fixtures.integration import real_ingest

EDGE = "contains the track, with other audio past the track's own start or end; the track keeps its copy"  # fmt: skip  # noqa: E501


@pytest.fixture
def ingest_long(engine: AsyncEngine, storage_root: Path) -> IngestFile:
    """The real ingest with room for a few minutes of mix."""
    return real_ingest(engine, storage_root, max_seconds=600)


async def _library(engine: AsyncEngine) -> tuple[list[tuple[str, str]], list[str]]:
    """(track id, sha256) per track, and the event types in order."""
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT id, sha256 FROM tracks ORDER BY created_at"))
        tracks = [(str(r.id), r.sha256) for r in rows]
        events = await conn.execute(text("SELECT type, payload FROM events ORDER BY position"))
        return tracks, [e.type for e in events]


async def _replaced_reason(engine: AsyncEngine) -> str:
    async with engine.connect() as conn:
        query = text("SELECT payload FROM events WHERE type = 'TrackSourceReplaced'")
        return str((await conn.execute(query)).scalar_one()["reason"])


async def test_the_whole_recording_replaces_a_copy_cut_short_ingested_first(
    ingest_long: IngestFile, engine: AsyncEngine, audio_dir: Path
) -> None:
    song = whole_song(41, 60.0)
    cut = encode(write_wav(audio_dir / "cut.wav", song.slice_seconds(0, 18)), audio_dir / "a.mp3")
    short = await ingest_long(cut)
    whole = await ingest_long(encode(write_wav(audio_dir / "s.wav", song), audio_dir / "s.flac"))
    assert short.status is IngestStatus.INGESTED
    assert (whole.status, whole.track_id, whole.reason) == (
        IngestStatus.DUPLICATE, short.track_id, "replaced the kept copy: longer"
    )  # fmt: skip
    tracks, events = await _library(engine)
    assert [t for t, _ in tracks] == [str(short.track_id)]
    assert events == ["TrackIngested", "TrackSourceReplaced"]
    assert await _replaced_reason(engine) == "longer"


async def test_a_mix_that_holds_the_whole_track_is_reported_and_replaces_nothing(
    ingest_long: IngestFile, engine: AsyncEngine, audio_dir: Path
) -> None:
    song = whole_song(42, 60.0)
    kept = await ingest_long(write_wav(audio_dir / "song.wav", song))
    before = await _library(engine)
    radio = joined(talk(4, 40.0), song, synth_track(43, 50.0))  # talk, the song, the next one
    mix = await ingest_long(encode(write_wav(audio_dir / "r.wav", radio), audio_dir / "r.flac"))
    assert (mix.status, mix.track_id, mix.reason) == (IngestStatus.DUPLICATE, kept.track_id, EDGE)
    assert await _library(engine) == before  # same row, same file, no event


async def test_a_mix_that_holds_a_track_kept_only_cut_short_replaces_nothing(
    ingest_long: IngestFile, engine: AsyncEngine, audio_dir: Path
) -> None:
    """Decided: the mix is a duplicate that contains the track (it holds the track's
    recording past its start, which the 18 s copy begins with); the track keeps its 18 s
    copy until the whole recording comes on its own, which then replaces it."""
    song = whole_song(44, 60.0)
    short = await ingest_long(write_wav(audio_dir / "first-18.wav", song.slice_seconds(0, 18)))
    before = await _library(engine)
    radio = joined(talk(5, 40.0), song, synth_track(45, 50.0))
    mix = await ingest_long(write_wav(audio_dir / "radio.wav", radio))
    assert (mix.status, mix.track_id, mix.reason) == (IngestStatus.DUPLICATE, short.track_id, EDGE)
    assert await _library(engine) == before
    whole = await ingest_long(write_wav(audio_dir / "whole.wav", song))
    assert (whole.track_id, whole.reason) == (short.track_id, "replaced the kept copy: longer")


async def test_other_library_tracks_around_a_track_make_a_mix_where_the_sound_cannot_tell(
    ingest_long: IngestFile, engine: AsyncEngine, audio_dir: Path
) -> None:
    # Loops of one kind of synth, cut hard into each other: nothing in the sound marks
    # where one ends, but the library knows the ones around the track.
    loop, before_it, after_it = (synth_track(s, 40.0) for s in (46, 47, 48))
    outcomes: list[IngestOutcome] = []
    for name, audio in (("loop", loop), ("before", before_it), ("after", after_it)):
        outcomes.append(await ingest_long(write_wav(audio_dir / f"{name}.wav", audio)))
    library = await _library(engine)
    mix = joined(before_it.slice_seconds(0, 22), loop, after_it.slice_seconds(18, 40))
    result = await ingest_long(write_wav(audio_dir / "mix.wav", mix))
    assert (result.status, result.track_id) == (IngestStatus.DUPLICATE, outcomes[0].track_id)
    assert result.reason == (
        f"contains the track, with {Containing.OTHER_TRACKS.value}; the track keeps its copy"
    )
    assert await _library(engine) == library

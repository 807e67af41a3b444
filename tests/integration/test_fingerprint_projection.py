"""FingerprintProjection with the real ffmpeg decoder and filesystem storage (WAV files)."""

from __future__ import annotations

import hashlib
import uuid
import wave
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.memory.print_store import InMemoryPrintStore
from application.identify.exact_lookup import match_exact
from application.library.reference_prints import ReferencePrints
from application.projections.fingerprint import FingerprintProjection
from domain.audio import PcmAudio
from domain.events import (
    DomainEvent,
    StoredEvent,
    TrackDeleted,
    TrackIngested,
    TrackRetitled,
    TrackSourceReplaced,
)
from domain.exact.analysis import dense
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.projections.records import Applied
from tests.support.synthetic import RATE, cut

TRACK = uuid.UUID(int=11)


def _write_wav(path: Path, audio: PcmAudio) -> None:
    pcm = (np.clip(audio.samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(audio.sample_rate)
        out.writeframes(pcm.tobytes())


async def _stored(storage: FilesystemAudioStorage, source: Path) -> str:
    return await storage.put(source, hashlib.sha256(source.read_bytes()).hexdigest(), ".wav")


def _projection(
    storage: FilesystemAudioStorage, fingerprinter: Fingerprinter, index: FingerprintIndex
) -> FingerprintProjection:
    reference = ReferencePrints(fingerprinter, InMemoryPrintStore())
    return FingerprintProjection(storage, FfmpegAudioDecoder(), index, reference)


def _at(position: int, event: DomainEvent) -> StoredEvent:
    return StoredEvent(position, datetime(2026, 1, 1, tzinfo=UTC), event)


async def test_ingest_twice_delete_and_replay(
    fingerprint_index: FingerprintIndex,
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter,
    tmp_path: Path,
) -> None:
    storage = FilesystemAudioStorage(tmp_path / "store")
    source = tmp_path / "track.wav"
    _write_wav(source, tracks[TRACK])
    key = await _stored(storage, source)
    projection = _projection(storage, fingerprinter, fingerprint_index)
    assert projection.name == "fingerprint"
    ingested = _at(1, TrackIngested(TRACK, key, 40.0))
    (query,) = await fingerprinter.prints(cut(tracks[TRACK], 7 * RATE, 5.0), [dense()])

    await projection.apply(ingested)
    count, first = (
        await fingerprint_index.hash_count(TRACK),
        await match_exact(fingerprint_index, query, 3),
    )
    assert count and first[0].track_id == TRACK and abs(first[0].offset_seconds - 7.0) < 0.01
    await projection.apply(ingested)
    assert await fingerprint_index.hash_count(TRACK) == count
    assert await match_exact(fingerprint_index, query, 3) == first

    await projection.apply(_at(2, TrackDeleted(TRACK, key)))
    assert await fingerprint_index.hash_count(TRACK) is None
    assert await match_exact(fingerprint_index, query, 3) == []

    # A rebuild fills a new generation; searches read the live one until it is swapped in.
    await projection.begin_rebuild()
    assert await projection.apply(ingested) == Applied(TRACK, count)
    assert await match_exact(fingerprint_index, query, 3) == []
    await projection.finish_rebuild()
    assert await fingerprint_index.hash_count(TRACK) == count
    assert await match_exact(fingerprint_index, query, 3) == first
    assert await fingerprint_index.track_counts() == {TRACK: count}


async def test_an_aborted_rebuild_leaves_the_live_index(
    fingerprint_index: FingerprintIndex,
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter,
    tmp_path: Path,
) -> None:
    storage = FilesystemAudioStorage(tmp_path / "store")
    source = tmp_path / "track.wav"
    _write_wav(source, tracks[TRACK])
    projection = _projection(storage, fingerprinter, fingerprint_index)
    ingested = _at(1, TrackIngested(TRACK, await _stored(storage, source), 40.0))
    applied = await projection.apply(ingested)
    await projection.begin_rebuild()
    await projection.apply(_at(2, TrackDeleted(TRACK, "")))
    await projection.abort_rebuild()
    assert applied is not None
    assert await fingerprint_index.track_counts() == {TRACK: applied.items}
    await projection.check()


async def test_missing_or_undecodable_file_is_skipped(
    fingerprint_index: FingerprintIndex, fingerprinter, tmp_path: Path
) -> None:
    storage = FilesystemAudioStorage(tmp_path / "store")
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"this is not audio at all" * 10)
    junk_key = await _stored(storage, junk)
    projection = _projection(storage, fingerprinter, fingerprint_index)
    await projection.apply(_at(1, TrackIngested(TRACK, "ab/missing.wav", 1.0)))
    await projection.apply(_at(2, TrackIngested(TRACK, junk_key, 1.0)))
    assert await fingerprint_index.hash_count(TRACK) is None


async def test_a_replaced_source_is_indexed_again_and_a_retitle_changes_nothing(
    fingerprint_index: FingerprintIndex,
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter,
    tmp_path: Path,
) -> None:
    storage = FilesystemAudioStorage(tmp_path / "store")
    whole, start = tmp_path / "whole.wav", tmp_path / "start.wav"
    _write_wav(whole, tracks[TRACK])
    _write_wav(start, cut(tracks[TRACK], 0, 15.0))
    start_key, whole_key = await _stored(storage, start), await _stored(storage, whole)
    projection = _projection(storage, fingerprinter, fingerprint_index)
    (late,) = await fingerprinter.prints(cut(tracks[TRACK], 25 * RATE, 5.0), [dense()])
    await projection.apply(_at(1, TrackIngested(TRACK, start_key, 15.0)))
    short_count = await fingerprint_index.hash_count(TRACK)
    assert await match_exact(fingerprint_index, late, 3) == []  # past the copy's end

    replaced = TrackSourceReplaced(TRACK, whole_key, 40.0, start_key, "longer")
    applied = await projection.apply(_at(2, replaced))

    assert applied is not None and short_count is not None and applied.items > short_count
    [match] = await match_exact(fingerprint_index, late, 3)
    assert match.track_id == TRACK and abs(match.offset_seconds - 25.0) < 0.01
    assert await projection.apply(_at(3, TrackRetitled(TRACK, "New", None, None))) is None
    assert await fingerprint_index.hash_count(TRACK) == applied.items

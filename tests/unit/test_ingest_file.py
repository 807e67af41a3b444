"""IngestFile on in-memory adapters: outcomes, duplicates, limits and atomicity."""

from __future__ import annotations

import numpy as np
import pytest

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.memory.dedup_fingerprinter import FRAME_SECONDS
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from domain.audio import FINGERPRINT_RATE, AudioInfo, PcmAudio, Tags
from domain.errors import StorageFull
from domain.events import TrackIngested, TrackSourceReplaced
from domain.exact.analysis import INDEXED
from domain.exact.stored_prints import decode_prints
from domain.library.ingest_outcome import IngestStatus
from tests.support.audio_factory import joined, synth_track, talk, whole_song
from tests.support.fixtures.memory_app import MemoryApp


async def test_a_new_file_becomes_a_track_and_an_event(app: MemoryApp) -> None:
    path = app.add_file("song.wav", synth_track(1, 20.0))
    app.metadata.tags["song.wav"] = Tags(title="Song", artist="Band", album="LP")
    outcome = await app.ingest(path)
    assert outcome.status is IngestStatus.INGESTED
    assert outcome.track_id is not None
    track = app.db.tracks[outcome.track_id]
    assert (track.title, track.artist, track.album) == ("Song", "Band", "LP")
    assert track.duration_seconds == pytest.approx(20.0, abs=0.01)
    assert track.original_filename == "song.wav"
    assert app.storage.blobs.keys() == {track.storage_key}
    [stored] = app.db.events
    [prints_key] = app.prints.blobs
    assert stored.event == TrackIngested(
        track.id, track.storage_key, track.duration_seconds, prints_key
    )
    # The index's own prints of the audio, made once: what a rebuild will read back.
    audio = await app.decoder.decode(path, FINGERPRINT_RATE)
    (expected,) = await CffiLandmarkFingerprinter().prints(audio, [INDEXED])
    stored_prints = decode_prints(app.prints.blobs[prints_key])
    assert np.array_equal(stored_prints.hashes, expected.hashes)
    assert np.array_equal(stored_prints.times, expected.times)
    assert stored_prints.frames == expected.frames


async def test_title_falls_back_to_the_given_name_not_a_temp_name(app: MemoryApp) -> None:
    path = app.add_file("tmp8f3k2.upload", synth_track(2, 10.0))
    outcome = await app.ingest(path, display_name="Morning Walk.flac")
    assert outcome.track_id is not None
    assert app.db.tracks[outcome.track_id].title == "Morning Walk"


async def test_the_same_bytes_twice_is_a_duplicate(app: MemoryApp) -> None:
    path = app.add_file("song.wav", synth_track(3, 10.0))
    first = await app.ingest(path)
    second = await app.ingest(path)
    assert second.status is IngestStatus.DUPLICATE
    assert second.track_id == first.track_id
    assert len(app.db.events) == 1


async def test_the_same_recording_in_other_bytes_is_a_duplicate(app: MemoryApp) -> None:
    audio = synth_track(4, 30.0)
    first = await app.ingest(app.add_file("a.wav", audio))
    quieter = PcmAudio((audio.samples * 0.7).astype(np.float32), audio.sample_rate)
    second = await app.ingest(app.add_file("a-copy.mp3", quieter))
    assert second.status is IngestStatus.DUPLICATE
    assert second.track_id == first.track_id


async def test_a_different_recording_is_not_a_duplicate(app: MemoryApp) -> None:
    await app.ingest(app.add_file("a.wav", synth_track(5, 30.0)))
    other = await app.ingest(app.add_file("b.wav", synth_track(6, 30.0)))
    assert other.status is IngestStatus.INGESTED
    assert len(app.db.tracks) == 2


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda app: app.folder / "missing.wav", "UNREADABLE_FILE"),
        (lambda app: _raw(app, "empty.wav", b""), "EMPTY_FILE"),
        (lambda app: _raw(app, "notes.txt", b"not audio at all"), "UNSUPPORTED_FORMAT"),
        (lambda app: app.add_file("short.wav", synth_track(7, 2.0)), "AUDIO_TOO_SHORT"),
        (lambda app: app.add_file("long.wav", synth_track(8, 121.0)), "AUDIO_TOO_LONG"),
        (
            lambda app: app.add_file(
                "cut.mp3",
                synth_track(9, 10.0),
                AudioInfo("mp3", "mp3", 60.0, 44100, 2, 128000),
            ),
            "CORRUPT_AUDIO",
        ),
    ],
)
async def test_bad_input_fails_clearly_and_stores_nothing(app: MemoryApp, make, code: str) -> None:  # type: ignore[no-untyped-def]
    outcome = await app.ingest(make(app))
    assert outcome.status is IngestStatus.FAILED
    assert outcome.code == code
    assert outcome.reason
    assert outcome.track_id is None
    assert not app.db.tracks and not app.db.events and not app.storage.blobs


async def test_too_short_says_what_a_library_track_needs(app: MemoryApp) -> None:
    outcome = await app.ingest(app.add_file("blip.wav", synth_track(7, 2.0)))
    assert outcome.reason == "audio is 2.0 s long; a library track needs at least 3 s"


async def test_too_long_is_refused_before_decoding(app: MemoryApp) -> None:
    info = AudioInfo("mp3", "mp3", 3600.0, 44100, 2, 128000)
    outcome = await app.ingest(app.add_file("hour.mp3", synth_track(10, 5.0), info))
    assert outcome.code == "AUDIO_TOO_LONG"


async def test_a_failed_commit_leaves_no_blob_behind(
    app: MemoryApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_commit(self: InMemoryUnitOfWork) -> None:
        raise ConnectionError("database went away")

    monkeypatch.setattr(InMemoryUnitOfWork, "commit", broken_commit)
    with pytest.raises(ConnectionError):
        await app.ingest(app.add_file("song.wav", synth_track(11, 10.0)))
    assert not app.storage.blobs
    assert not app.db.tracks and not app.db.events


def _raw(app: MemoryApp, name: str, content: bytes):  # type: ignore[no-untyped-def]
    path = app.folder / name
    path.write_bytes(content)
    return path


async def test_a_file_that_understates_its_length_is_decoded_only_past_the_limit(
    app: MemoryApp,
) -> None:
    # The header says 60 s; the stream holds 600 s. Decoding it all would hold ten minutes
    # of samples (or, for a crafted file, hours) in memory before the length check.
    audio = synth_track(3, 600.0, rate=16_000)
    info = AudioInfo("flac", "flac", 60.0, 16000, 1, None)
    outcome = await app.ingest(app.add_file("liar.flac", audio, info))
    assert outcome.status is IngestStatus.FAILED and outcome.code == "AUDIO_TOO_LONG"
    assert outcome.reason == "audio is 121 s long"  # stopped at the limit (120 s) + 1 s
    assert app.db.tracks == {}


def _mp3(seconds: float, bitrate: int = 128_000) -> AudioInfo:
    return AudioInfo("mp3", "mp3", seconds, 44100, 2, bitrate)


def _flac(seconds: float) -> AudioInfo:
    return AudioInfo("flac", "flac", seconds, 44100, 2, 900_000)


async def test_a_lossless_copy_replaces_a_lossy_one_and_keeps_the_track(app: MemoryApp) -> None:
    audio = synth_track(12, 30.0)
    lossy = await app.ingest(app.add_file("song.mp3", audio, _mp3(30.0)))
    assert lossy.track_id is not None
    kept_before = app.db.tracks[lossy.track_id]
    [first_prints] = app.prints.blobs
    app.metadata.tags["song.flac"] = Tags(title="Other tags", artist="Ignored")

    better = await app.ingest(app.add_file("song.flac", audio, _flac(30.0)))

    assert better.status is IngestStatus.DUPLICATE
    assert better.track_id == lossy.track_id
    assert better.reason == "replaced the kept copy: lossless"
    track = app.db.tracks[lossy.track_id]
    assert (track.format, track.codec, track.original_filename) == ("flac", "flac", "song.flac")
    assert (track.title, track.created_at) == (kept_before.title, kept_before.created_at)
    assert track.sha256 != kept_before.sha256
    assert app.storage.blobs.keys() == {track.storage_key}  # the lossy file is gone
    assert [stored.event for stored in app.db.events] == [
        TrackIngested(
            track.id, kept_before.storage_key, kept_before.duration_seconds, first_prints
        ),
        TrackSourceReplaced(
            track.id, track.storage_key, track.duration_seconds, kept_before.storage_key,
            "lossless", first_prints,
        ),
    ]  # fmt: skip
    assert app.prints.blobs.keys() == {first_prints}  # the same sound: its prints stored once


async def test_a_worse_copy_is_a_plain_duplicate(app: MemoryApp) -> None:
    audio = synth_track(13, 30.0)
    kept = await app.ingest(app.add_file("song.flac", audio, _flac(30.0)))
    worse = await app.ingest(app.add_file("song.mp3", audio, _mp3(30.0, 320_000)))
    assert (worse.status, worse.track_id, worse.reason) == (
        IngestStatus.DUPLICATE,
        kept.track_id,
        None,
    )
    assert len(app.db.events) == 1 and len(app.storage.blobs) == 1


async def test_a_higher_bitrate_replaces_a_lower_one(app: MemoryApp) -> None:
    audio = synth_track(14, 30.0)
    await app.ingest(app.add_file("low.mp3", audio, _mp3(30.0, 96_000)))
    better = await app.ingest(app.add_file("high.mp3", audio, _mp3(30.0, 256_000)))
    assert better.reason == "replaced the kept copy: higher bitrate"
    same = await app.ingest(app.add_file("vbr.mp3", audio, _mp3(30.0, 250_000)))
    assert same.status is IngestStatus.DUPLICATE and same.reason is None


async def test_a_copy_cut_short_is_a_duplicate_and_the_whole_one_is_kept(
    app: MemoryApp,
) -> None:
    whole = synth_track(15, 60.0)
    first_18 = whole.slice_seconds(0.0, 18.0)
    short = await app.ingest(app.add_file("intro.flac", first_18, _flac(18.0)))
    full = await app.ingest(app.add_file("whole.mp3", whole, _mp3(60.0)))
    assert (full.status, full.track_id) == (IngestStatus.DUPLICATE, short.track_id)
    assert full.reason == "replaced the kept copy: longer"
    assert short.track_id is not None
    assert app.db.tracks[short.track_id].duration_seconds == pytest.approx(60.0, abs=0.01)
    # And the other way round: the cut copy finds the whole one and leaves it.
    again = await app.ingest(app.add_file("middle.flac", whole.slice_seconds(20, 40), _flac(20)))
    assert (again.status, again.track_id, again.reason) == (
        IngestStatus.DUPLICATE,
        short.track_id,
        None,
    )
    assert len(app.db.tracks) == 1


async def test_a_longer_recording_that_holds_the_track_is_reported_and_replaces_nothing(
    app: MemoryApp,
) -> None:
    song = whole_song(17, 40.0)
    kept = await app.ingest(app.add_file("song.mp3", song, _mp3(40.0)))
    assert kept.track_id is not None
    before = app.db.tracks[kept.track_id]
    # On a word boundary of the twin's print, which (unlike Chromaprint) a shift blurs.
    lead = 200 * FRAME_SECONDS
    radio = joined(talk(1, lead), song, talk(2, 30.0))
    mix = await app.ingest(app.add_file("radio.flac", radio, _flac(radio.duration_seconds)))
    assert (mix.status, mix.track_id) == (IngestStatus.DUPLICATE, kept.track_id)
    assert mix.reason is not None and mix.reason.startswith("contains the track, with ")
    assert app.db.tracks == {kept.track_id: before}
    assert len(app.db.events) == 1


async def test_a_failed_replacement_keeps_the_old_file_and_row(
    app: MemoryApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    audio = synth_track(16, 30.0)
    lossy = await app.ingest(app.add_file("song.mp3", audio, _mp3(30.0)))
    assert lossy.track_id is not None
    before = app.db.tracks[lossy.track_id]

    async def broken_commit(self: InMemoryUnitOfWork) -> None:
        raise ConnectionError("database went away")

    monkeypatch.setattr(InMemoryUnitOfWork, "commit", broken_commit)
    with pytest.raises(ConnectionError):
        await app.ingest(app.add_file("song.flac", audio, _flac(30.0)))
    assert app.db.tracks[lossy.track_id] == before
    assert app.storage.blobs.keys() == {before.storage_key}
    assert len(app.db.events) == 1


async def test_no_room_for_the_prints_leaves_no_original_and_no_track(
    app: MemoryApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def full(content: bytes) -> str:
        raise StorageFull("no disk space left to store a track's prints")

    monkeypatch.setattr(app.prints, "put", full)
    with pytest.raises(StorageFull):
        await app.ingest(app.add_file("song.wav", synth_track(21, 20.0)))
    assert (app.storage.blobs, app.db.tracks, app.db.events) == ({}, {}, [])

"""Fingerprinter contract: the C fingerprinter and its numpy twin behave alike."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from application.identify.identify_exact import IdentifyExact
from application.timeline.stream_prints import StreamPrints
from domain.audio import PcmAudio
from domain.exact.analysis import (
    INDEXED,
    INDEXED_PAIRS,
    STRETCHABLE,
    LandmarkAnalysis,
    dense,
    pitched,
)
from domain.exact.fingerprint import SCALE_FREE, LandmarkFingerprint
from domain.ports.fingerprint_index import Fingerprinter
from tests.support.fixtures.exact import TRACK_SEEDS
from tests.support.numpy_fingerprinter import NumpyLandmarkFingerprinter
from tests.support.synthetic import RATE, cut, synthetic_track


@pytest.fixture(params=["c", "numpy"])
def printer(request: pytest.FixtureRequest) -> Fingerprinter:
    return CffiLandmarkFingerprinter() if request.param == "c" else NumpyLandmarkFingerprinter()


async def test_the_same_audio_gives_the_same_landmarks(printer: Fingerprinter) -> None:
    track = synthetic_track(5, 20.0)
    (first,) = await printer.prints(track, [INDEXED])
    (second,) = await printer.prints(track, [INDEXED])
    assert len(first) > 100
    assert np.array_equal(first.hashes, second.hashes)
    assert np.array_equal(first.times, second.times)
    assert first.frame_seconds > 0


async def test_a_clip_shares_hashes_with_its_track_at_the_clip_offset(
    printer: Fingerprinter,
) -> None:
    track = synthetic_track(6, 30.0)
    (reference,) = await printer.prints(track, [INDEXED])
    offset_frames = 625  # 5 s at the 8 ms hop both use
    clip = cut(track, offset_frames * 128, 8.0)
    [query] = await printer.prints(clip, [dense()])
    assert shared_at(reference, query, offset_frames) >= 20


async def test_a_stretched_query_shares_triplets_with_its_track_at_the_clip_offset(
    printer: Fingerprinter,
) -> None:
    track = synthetic_track(6, 30.0)
    (reference,) = await printer.prints(track, [INDEXED])
    offset_frames = 625
    clip = cut(track, offset_frames * 128, 8.0)
    query, pairs = await printer.prints(clip, [STRETCHABLE, dense()])
    assert query.stretch > 0 and reference.stretch == 0
    stored = {
        (h, t)
        for h, t in zip(reference.hashes.tolist(), reference.times.tolist(), strict=True)
        if h & SCALE_FREE
    }
    probed = {
        (h, t + offset_frames)
        for h, t in zip(query.hashes.tolist(), query.times.tolist(), strict=True)
        if h & SCALE_FREE
    }
    assert not pairs.hashes.max() & SCALE_FREE  # pair hashes never carry the triplets' tag
    assert len(stored & probed) >= 20


async def test_the_indexed_pairs_are_the_indexed_print_without_its_triplets(
    printer: Fingerprinter,
) -> None:
    indexed, pairs = await printer.prints(synthetic_track(8, 12.0), [INDEXED, INDEXED_PAIRS])
    fixed = indexed.hashes < SCALE_FREE
    assert 0 < fixed.sum() < len(indexed)
    assert np.array_equal(pairs.hashes, indexed.hashes[fixed])
    assert np.array_equal(pairs.times, indexed.times[fixed])
    assert (pairs.frames, pairs.speed, pairs.stretch) == (indexed.frames, 1.0, 0.0)


def shared_at(reference: LandmarkFingerprint, query: LandmarkFingerprint, offset: int) -> int:
    """How many of the query's (hash, time) pairs the reference holds `offset` frames on."""
    at_offset = set(
        zip(reference.hashes.tolist(), (reference.times - offset).tolist(), strict=True)
    )
    return sum(
        (h, t) in at_offset
        for h, t in zip(query.hashes.tolist(), query.times.tolist(), strict=True)
    )


async def test_pairs_made_at_the_clips_own_frequency_ratio_line_up(
    printer: Fingerprinter,
) -> None:
    """A semitone up with the tempo kept: pairs made at that ratio line up with the track's
    at the clip's offset, pairs made as played (or a semitone down) hardly; how a segment's
    pitch is measured (domain.exact.pitch)."""
    offset_frames = 625
    track = synthetic_track(6, 30.0)
    (reference,) = await printer.prints(track, [INDEXED])
    shifted = cut(synthetic_track(6, 30.0, pitch_ratio=2 ** (1 / 12)), offset_frames * 128, 8.0)
    ratios = [2 ** (1 / 12), 1.0, 2 ** (-1 / 12)]
    prints = await printer.prints(shifted, [pitched(1.0, r) for r in ratios])
    assert [round(p.speed, 6) for p in prints] == [1.0] * 3
    own, as_played, wrong = (shared_at(reference, p, offset_frames) for p in prints)
    assert own >= 20
    assert own > 3 * max(as_played, wrong)


async def test_one_print_per_assumed_speed(printer: Fingerprinter) -> None:
    prints = await printer.prints(synthetic_track(7, 6.0), [dense(1.0), dense(0.98), dense(1.02)])
    assert [p.speed for p in prints] == [1.0, 0.98, 1.02]


@pytest.mark.parametrize("samples", [0, 1, 500])
async def test_too_little_audio_gives_no_landmarks(printer: Fingerprinter, samples: int) -> None:
    silent = PcmAudio(np.zeros(samples, np.float32), RATE)
    assert len((await printer.prints(silent, [INDEXED]))[0]) == 0


async def test_other_sample_rates_are_refused(printer: Fingerprinter) -> None:
    with pytest.raises(ValueError, match="16000"):
        await printer.prints(PcmAudio(np.zeros(48_000, np.float32), 48_000), [INDEXED])


async def test_the_numpy_twin_identifies_through_the_memory_index() -> None:
    printer, index = NumpyLandmarkFingerprinter(), InMemoryFingerprintIndex()
    tracks = {seed: synthetic_track(seed, 30.0) for seed in TRACK_SEEDS}
    ids = {seed: uuid.UUID(int=seed) for seed in TRACK_SEEDS}
    for seed, audio in tracks.items():
        await index.put(ids[seed], (await printer.prints(audio, [INDEXED]))[0])
    [best, *_] = await IdentifyExact(printer, index)(cut(tracks[22], 9 * RATE, 6.0), 3)
    assert best.track_id == ids[22]
    assert abs(best.offset_seconds - 9.0) < 0.02


async def _streamed(printer: Fingerprinter, track: PcmAudio, block_seconds: float) -> StreamPrints:
    """The track pushed in uneven pieces and fingerprinted block by block, as a stream is."""
    prints = StreamPrints(printer, block_seconds, eager=[INDEXED])
    for start in range(0, len(track.samples), 7_777):
        prints.push(PcmAudio(track.samples[start : start + 7_777], RATE))
        await prints.fingerprint_ready()
    await prints.fingerprint_ready(final=True)
    return prints


def _pairs(fingerprint: LandmarkFingerprint, shift: int = 0) -> list[tuple[int, int]]:
    return sorted(
        zip(
            fingerprint.hashes.tolist(),
            (fingerprint.times.astype(int) + shift).tolist(),
            strict=True,
        )
    )


@pytest.mark.parametrize("analysis", [INDEXED, INDEXED_PAIRS, STRETCHABLE], ids=str)
async def test_a_stream_in_blocks_has_exactly_the_landmarks_of_the_whole(
    printer: Fingerprinter, analysis: LandmarkAnalysis
) -> None:
    """The framing's context is enough: block edges add or lose no landmark, pairs or
    triplets, sparse or dense (the timeline's windows are matched with the clip's passes)."""
    track = synthetic_track(9, 24.0)
    (whole,) = await printer.prints(track, [analysis])
    prints = await _streamed(printer, track, block_seconds=2.5)
    streamed = await prints.window(0.0, 24.0, analysis)
    assert len(whole) > 100
    assert _pairs(streamed) == _pairs(whole)
    assert streamed.stretch == analysis.stretch
    # Any window: the landmarks anchored in it, timed from its start.
    frames_in = round(7.5 / whole.frame_seconds)
    inside = (whole.times >= frames_in) & (whole.times < round(17.5 / whole.frame_seconds))
    part = await prints.window(7.5, 17.5, analysis)
    assert _pairs(part, shift=frames_in) == sorted(
        zip(whole.hashes[inside].tolist(), whole.times[inside].astype(int).tolist(), strict=True)
    )


async def test_dense_landmarks_at_a_speed_survive_the_blocks(printer: Fingerprinter) -> None:
    track = synthetic_track(10, 24.0)
    [whole] = await printer.prints(track, [dense(0.97)])
    prints = await _streamed(printer, track, block_seconds=3.0)
    streamed = await prints.window(0.0, 24.0, dense(0.97))
    assert streamed.speed == 0.97
    # At a speed other than 1, anchor times are rounded after the block's shift: within a frame.
    exact = set(_pairs(whole))
    near = {(h, t + d) for h, t in exact for d in (-1, 0, 1)}
    found = _pairs(streamed)
    assert sum(pair in near for pair in found) >= 0.99 * len(exact)
    assert abs(len(found) - len(exact)) <= 0.01 * len(exact)

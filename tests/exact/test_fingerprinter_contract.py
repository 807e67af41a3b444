"""Fingerprinter contract: the C fingerprinter and its numpy twin behave alike."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from adapters.memory.fingerprinter import NumpyLandmarkFingerprinter
from application.identify_exact import IdentifyExact
from domain.audio import PcmAudio
from domain.ports.fingerprint_index import Fingerprinter
from tests.exact.conftest import TRACK_SEEDS
from tests.exact.synthetic import RATE, cut, synthetic_track


@pytest.fixture(params=["c", "numpy"])
def printer(request: pytest.FixtureRequest) -> Fingerprinter:
    return CffiLandmarkFingerprinter() if request.param == "c" else NumpyLandmarkFingerprinter()


async def test_the_same_audio_gives_the_same_landmarks(printer: Fingerprinter) -> None:
    track = synthetic_track(5, 20.0)
    first, second = await printer.reference(track), await printer.reference(track)
    assert len(first) > 100
    assert np.array_equal(first.hashes, second.hashes)
    assert np.array_equal(first.times, second.times)
    assert first.frame_seconds > 0


async def test_a_clip_shares_hashes_with_its_track_at_the_clip_offset(
    printer: Fingerprinter,
) -> None:
    track = synthetic_track(6, 30.0)
    reference = await printer.reference(track)
    offset_frames = 625  # 5 s at the 8 ms hop both use
    clip = cut(track, offset_frames * 128, 8.0)
    [query] = await printer.query(clip)
    at_offset = set(
        zip(reference.hashes.tolist(), (reference.times - offset_frames).tolist(), strict=True)
    )
    shared = sum(
        (h, t) in at_offset
        for h, t in zip(query.hashes.tolist(), query.times.tolist(), strict=True)
    )
    assert shared >= 20


async def test_one_print_per_assumed_speed(printer: Fingerprinter) -> None:
    prints = await printer.query(synthetic_track(7, 6.0), speeds=(1.0, 0.98, 1.02))
    assert [p.speed for p in prints] == [1.0, 0.98, 1.02]


@pytest.mark.parametrize("samples", [0, 1, 500])
async def test_too_little_audio_gives_no_landmarks(printer: Fingerprinter, samples: int) -> None:
    silent = PcmAudio(np.zeros(samples, np.float32), RATE)
    assert len(await printer.reference(silent)) == 0


async def test_other_sample_rates_are_refused(printer: Fingerprinter) -> None:
    with pytest.raises(ValueError, match="16000"):
        await printer.reference(PcmAudio(np.zeros(48_000, np.float32), 48_000))


async def test_the_numpy_twin_identifies_through_the_memory_index() -> None:
    printer, index = NumpyLandmarkFingerprinter(), InMemoryFingerprintIndex()
    tracks = {seed: synthetic_track(seed, 30.0) for seed in TRACK_SEEDS}
    ids = {seed: uuid.UUID(int=seed) for seed in TRACK_SEEDS}
    for seed, audio in tracks.items():
        await index.put(ids[seed], await printer.reference(audio))
    [best, *_] = await IdentifyExact(printer, index)(cut(tracks[22], 9 * RATE, 6.0), 3)
    assert best.track_id == ids[22]
    assert abs(best.offset_seconds - 9.0) < 0.02

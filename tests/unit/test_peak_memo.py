"""The fingerprinter's peak memo: one peak search per clip and parameters, nothing kept after."""

from __future__ import annotations

import gc

import numpy as np
import numpy.typing as npt
import pytest

from adapters.landmarks.fingerprinter import QUERY, REFERENCE, CffiLandmarkFingerprinter
from adapters.landmarks.native import PeakParams, find_peaks
from adapters.landmarks.peak_memo import PeakMemo
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import INDEXED, STRETCHABLE, dense


class CountingFinder:
    def __init__(self) -> None:
        self.calls: list[PeakParams] = []

    def __call__(self, samples: npt.NDArray[np.float32], params: PeakParams) -> np.ndarray:
        self.calls.append(params)
        return find_peaks(samples, params)


def noise(seconds: float, seed: int = 0) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(int(seconds * FINGERPRINT_RATE)).astype(np.float32) * 0.1


def test_each_peak_set_of_a_clip_is_found_once() -> None:
    finder = CountingFinder()
    memo = PeakMemo(finder)
    clip = noise(3.0)
    first = memo(clip, REFERENCE.peaks)
    assert memo(clip, REFERENCE.peaks) is first
    memo(clip, QUERY.peaks)
    memo(clip, QUERY.peaks)
    assert finder.calls == [REFERENCE.peaks, QUERY.peaks]
    with pytest.raises(ValueError, match="read-only"):
        first["t"][0] = 1  # shared between prints, so read-only


def test_an_equal_copy_is_another_clip_and_a_dead_clip_is_forgotten() -> None:
    finder = CountingFinder()
    memo = PeakMemo(finder)
    clip = noise(2.0)
    memo(clip, REFERENCE.peaks)
    memo(clip.copy(), REFERENCE.peaks)
    assert len(finder.calls) == 2
    del clip
    gc.collect()
    assert len(memo) == 0


async def test_the_passes_of_one_identification_share_peaks_and_match_fresh_ones() -> None:
    finder = CountingFinder()
    printer = CffiLandmarkFingerprinter(peak_finder=finder)
    audio = PcmAudio(noise(4.0, seed=3), FINGERPRINT_RATE)
    (sparse,) = await printer.prints(audio, [INDEXED])
    (stretched,) = await printer.prints(audio, [STRETCHABLE])
    (tolerant,) = await printer.prints(audio, [dense(tolerant=True)])
    assert finder.calls == [REFERENCE.peaks, QUERY.peaks]  # not four searches
    fresh = CffiLandmarkFingerprinter()
    again = PcmAudio(audio.samples.copy(), FINGERPRINT_RATE)
    (fresh_sparse,) = await fresh.prints(again, [INDEXED])
    (fresh_stretched,) = await fresh.prints(again, [STRETCHABLE])
    assert np.array_equal(fresh_sparse.hashes, sparse.hashes)
    assert np.array_equal(fresh_stretched.hashes, stretched.hashes)
    (fresh_tolerant,) = await fresh.prints(again, [dense(tolerant=True)])
    assert np.array_equal(fresh_tolerant.hashes, tolerant.hashes)

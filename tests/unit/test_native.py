"""The C code: FFT against numpy, and no crash or overrun on adversarial inputs.

Run once under valgrind (see the report in bench/RESULTS.md):
    valgrind --error-exitcode=1 .venv/bin/python -m pytest tests/unit/test_native.py
"""

from __future__ import annotations

import numpy as np
import pytest

from adapters.landmarks.native import (
    BINS,
    HOP,
    PEAK_DTYPE,
    WINDOW,
    PairParams,
    PeakParams,
    find_peaks,
    pair_hashes,
    power_spectrum,
)

REFERENCE = PeakParams(half_t=20, half_f=20)
DENSE = PeakParams(half_t=1, half_f=1, min_prominence=1.0, floor_power=0.0)


def test_fft_matches_numpy() -> None:
    frame = np.random.default_rng(3).standard_normal(WINDOW).astype(np.float32)
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW) / WINDOW)
    expected = np.abs(np.fft.rfft(frame * window)[:BINS]) ** 2
    np.testing.assert_allclose(power_spectrum(frame), expected, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("length", [0, 1, 2, WINDOW - 1, WINDOW, WINDOW + 1, WINDOW + HOP - 1])
@pytest.mark.parametrize("params", [REFERENCE, DENSE], ids=["reference", "dense"])
def test_short_inputs_are_safe(length: int, params: PeakParams) -> None:
    samples = np.random.default_rng(length).uniform(-1, 1, length).astype(np.float32)
    peaks = find_peaks(samples, params)
    assert len(peaks) == 0 or (peaks["t"].max() < 2 and peaks["f"].max() < BINS)
    hashes, times = pair_hashes(peaks, PairParams(fanout=8))
    assert len(hashes) == len(times)


def test_silence_and_non_finite_samples_give_no_peaks() -> None:
    assert len(find_peaks(np.zeros(16000, np.float32), REFERENCE)) == 0
    odd = np.full(16000, np.nan, np.float32)
    odd[::3] = np.inf
    assert len(find_peaks(odd, REFERENCE)) == 0


def test_long_input_peaks_stay_in_bounds() -> None:
    samples = np.random.default_rng(5).normal(0, 0.1, 16000 * 600).astype(np.float32)
    peaks = find_peaks(samples, DENSE)
    frames = (len(samples) - WINDOW) // HOP + 1
    assert len(peaks) > frames  # dense on noise: many per frame
    assert peaks["t"].min() >= 0 and peaks["t"].max() < frames
    assert peaks["f"].min() >= DENSE.min_bin and peaks["f"].max() < DENSE.max_bin
    assert np.all(np.diff(peaks["t"]) >= 0)


def test_extreme_parameters_are_refused_not_crashed() -> None:
    with pytest.raises(MemoryError):
        find_peaks(np.zeros(4096, np.float32), PeakParams(half_t=1, half_f=1, min_bin=600))
    with pytest.raises(MemoryError):
        find_peaks(np.zeros(4096, np.float32), PeakParams(half_t=-1, half_f=1))


def test_pair_hashes_stay_in_their_fields() -> None:
    rng = np.random.default_rng(9)
    peaks = np.zeros(500, PEAK_DTYPE)
    peaks["t"] = np.sort(rng.integers(0, 2000, 500))
    peaks["f"] = rng.integers(0, BINS, 500)
    for speed in (1.0, 0.97, 1.03):
        hashes, times = pair_hashes(peaks, PairParams(fanout=6), speed, 1 / speed)
        assert len(hashes) <= 500 * 6 * (1 if speed == 1.0 else 8)
        assert hashes.max() < 1 << 24
        assert np.all((hashes & 127) >= 2) and np.all((hashes & 127) <= 63)
        assert times.max() <= 2000 * 1.03 + 1


def test_bad_pair_parameters_and_scales_give_nothing() -> None:
    peaks = np.zeros(3, PEAK_DTYPE)
    peaks["t"] = [0, 5, 10]
    peaks["f"] = [50, 60, 70]
    assert len(pair_hashes(peaks, PairParams(fanout=2))[0]) == 3
    assert len(pair_hashes(peaks, PairParams(fanout=2, dt_max=500))[0]) == 0
    assert len(pair_hashes(peaks, PairParams(fanout=2), float("nan"), 1.0)[0]) == 0
    assert len(pair_hashes(peaks, PairParams(fanout=2), -1.0, 1.0)[0]) == 0

"""The C code: FFT against numpy, and no crash or overrun on adversarial inputs.

Run once under valgrind (see the report in bench/RESULTS.md):
    valgrind --error-exitcode=1 .venv/bin/python -m pytest tests/unit/test_native.py
"""

from __future__ import annotations

import numpy as np
import pytest

from adapters.landmarks.native import (
    BINS,
    ERRORS_BY_STATUS,
    GAP_BITS_MASK,
    HOP,
    PEAK_DTYPE,
    WINDOW,
    BufferTooSmall,
    InvalidParameters,
    LandmarkError,
    OutOfMemory,
    PairParams,
    PeakParams,
    TripletParams,
    checked,
    find_peaks,
    lib,
    pair_hashes,
    power_spectrum,
    triplet_hashes,
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
    # Refused as the caller's mistake (a ValueError), not mistaken for running out of memory.
    for params in (
        PeakParams(half_t=1, half_f=1, min_bin=600),
        PeakParams(half_t=-1, half_f=1),
        PeakParams(half_t=1, half_f=1, min_bin=300, max_bin=200),
    ):
        with pytest.raises(InvalidParameters, match="lm_find_peaks") as refused:
            find_peaks(np.zeros(4096, np.float32), params)
        assert isinstance(refused.value, ValueError)
        assert not isinstance(refused.value, MemoryError)
    with pytest.raises(InvalidParameters):  # even with no samples to look at
        find_peaks(np.zeros(0, np.float32), PeakParams(half_t=-1, half_f=1))


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


def test_bad_pair_parameters_and_scales_are_refused() -> None:
    peaks = np.zeros(3, PEAK_DTYPE)
    peaks["t"] = [0, 5, 10]
    peaks["f"] = [50, 60, 70]
    assert len(pair_hashes(peaks, PairParams(fanout=2))[0]) == 3
    # Once an empty fingerprint, indistinguishable from silence.
    with pytest.raises(InvalidParameters, match="lm_pair_hashes"):
        pair_hashes(peaks, PairParams(fanout=2, dt_max=500))
    with pytest.raises(InvalidParameters):
        pair_hashes(peaks, PairParams(fanout=2), float("nan"), 1.0)
    with pytest.raises(InvalidParameters):
        pair_hashes(peaks, PairParams(fanout=2), -1.0, 1.0)
    for no_room in (PairParams(fanout=0), PairParams(fanout=-2)):  # no room asked for either
        with pytest.raises(InvalidParameters):
            pair_hashes(peaks, no_room)
    with pytest.raises(InvalidParameters):  # no peaks do not hide a bad parameter
        pair_hashes(np.zeros(0, PEAK_DTYPE), PairParams(fanout=2, dt_min=0))


def test_bad_triplet_parameters_are_refused() -> None:
    peaks = np.zeros(3, PEAK_DTYPE)
    peaks["t"] = [0, 5, 10]
    peaks["f"] = [50, 60, 70]
    assert len(triplet_hashes(peaks, TripletParams(fanout=2))[0]) == 1
    for params in (
        TripletParams(fanout=1),  # no pair of targets: once an empty print, silently
        TripletParams(fanout=65),
        TripletParams(fanout=3, dt_min=0),
        TripletParams(fanout=3, df_max=200, tolerant=True),
    ):
        with pytest.raises(InvalidParameters, match="lm_triplet_hashes"):
            triplet_hashes(peaks, params)
        with pytest.raises(InvalidParameters):
            triplet_hashes(np.zeros(0, PEAK_DTYPE), params)


def test_silence_is_a_valid_empty_fingerprint() -> None:
    peaks = find_peaks(np.zeros(16000, np.float32), REFERENCE)
    assert len(peaks) == 0
    for hashes, times in (
        pair_hashes(peaks, PairParams(fanout=3)),
        pair_hashes(peaks, PairParams(fanout=6), 1.03, 1 / 1.03),
        triplet_hashes(peaks, TripletParams(fanout=3)),
        triplet_hashes(peaks, TripletParams(fanout=5, tolerant=True)),
    ):
        assert len(hashes) == len(times) == 0


def test_tolerant_triplets_grow_their_room_until_every_hash_fits() -> None:
    # Dense peaks near cell edges yield far more than the first guess of 8 hashes a triplet.
    rng = np.random.default_rng(4)
    peaks = np.zeros(400, PEAK_DTYPE)
    peaks["t"] = np.sort(rng.integers(0, 300, 400))
    peaks["f"] = rng.integers(20, 400, 400)
    peaks = np.sort(peaks, order=["t", "f"])
    hashes, times = triplet_hashes(peaks, TripletParams(fanout=5, tolerant=True))
    assert len(hashes) == len(times) > 400 * 10 * 8  # past the first guess: grown, not cut
    exact, _ = triplet_hashes(peaks, TripletParams(fanout=5))
    assert set(exact.tolist()) <= set(hashes.tolist())


def test_every_c_status_has_its_own_exception() -> None:
    statuses = {name: int(getattr(lib, name)) for name in dir(lib) if name.startswith("LM_ERR_")}
    assert set(statuses.values()) == set(ERRORS_BY_STATUS)
    assert len(set(ERRORS_BY_STATUS.values())) == len(ERRORS_BY_STATUS)
    assert all(issubclass(error, LandmarkError) for error in ERRORS_BY_STATUS.values())
    with pytest.raises(OutOfMemory) as failed:
        checked(statuses["LM_ERR_NO_MEMORY"], "lm_find_peaks")
    assert isinstance(failed.value, MemoryError) and failed.value.status == lib.LM_ERR_NO_MEMORY
    with pytest.raises(BufferTooSmall):
        checked(statuses["LM_ERR_BUFFER_TOO_SMALL"], "lm_pair_hashes")
    with pytest.raises(LandmarkError, match="status -99"):  # a code this module does not know
        checked(-99, "lm_pair_hashes")
    assert checked(0, "lm_find_peaks") == 0 and checked(12, "lm_pair_hashes") == 12


def test_the_gap_mask_comes_from_the_header_and_reads_a_pairs_gap() -> None:
    assert GAP_BITS_MASK == lib.LM_GAP_BITS_MASK >= lib.LM_DT_LIMIT
    peaks = np.zeros(2, PEAK_DTYPE)
    peaks["t"] = [0, 5]
    peaks["f"] = [50, 60]
    hashes, _ = pair_hashes(peaks, PairParams(fanout=1))
    assert (hashes & GAP_BITS_MASK).tolist() == [5]

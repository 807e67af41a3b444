"""Triplet hashes: the C code and its numpy twin agree, and the hashes survive the time and
frequency scalings they are made for (known answers on synthetic peaks)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from adapters.landmarks.native import (
    PEAK_DTYPE,
    TRIPLET_FAMILY,
    InvalidParameters,
    TripletParams,
    triplet_hashes,
)
from domain.exact.fingerprint import SCALE_FREE
from tests.support.numpy_triplets import FAMILY as TWIN_FAMILY
from tests.support.numpy_triplets import triplet_hashes as twin_triplet_hashes


def random_peaks(seed: int, count: int, frames: int = 2_000) -> npt.NDArray[np.void]:
    """Peaks at random frames and bins (20..400), about one per 8 frames, sorted by (t, f)."""
    rng = np.random.default_rng(seed)
    peaks = np.zeros(count, PEAK_DTYPE)
    peaks["t"] = rng.integers(0, frames, count)
    peaks["f"] = rng.integers(20, 400, count)
    return np.sort(peaks, order=["t", "f"])


def scaled(peaks: npt.NDArray[np.void], time: float, freq: float) -> npt.NDArray[np.void]:
    """The peaks a clip stretched in time and shifted in pitch would show (rounded to cells)."""
    moved = peaks.copy()
    moved["t"] = np.round(peaks["t"] * time)
    moved["f"] = np.round(peaks["f"] * freq)
    return np.sort(moved, order=["t", "f"])


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("tolerant", [False, True])
def test_the_numpy_twin_makes_exactly_the_c_hashes(seed: int, tolerant: bool) -> None:
    peaks = random_peaks(seed, 40 + 30 * seed, frames=400)
    fanout = 2 + seed
    c_hashes, c_times = triplet_hashes(peaks, TripletParams(fanout=fanout, tolerant=tolerant))
    twin = twin_triplet_hashes(np.stack([peaks["t"], peaks["f"]], 1), fanout, tolerant)
    assert len(c_hashes) > 20
    assert sorted(zip(c_hashes.tolist(), c_times.tolist(), strict=True)) == sorted(
        zip(twin[0].tolist(), twin[1].tolist(), strict=True)
    )


def test_one_hash_per_triplet_for_the_index_with_its_family_bit_and_anchor() -> None:
    # Anchor at 0, targets at 5 and 10 (fanout 2): exactly one triplet.
    peaks = np.array([(0, 100, 1.0), (5, 150, 1.0), (10, 80, 1.0)], PEAK_DTYPE)
    hashes, times = triplet_hashes(peaks, TripletParams(fanout=2))
    assert times.tolist() == [0]
    (value,) = hashes.tolist()
    assert value & TRIPLET_FAMILY
    assert (value >> 14) & 15 == 8  # time ratio 5 / 10: cell 8 of 16
    assert (value >> 18) & 15 == 6  # span 10 frames: 2 * log2(10) = 6.6
    assert (value >> 7) & 127 == 48 + 7  # f2 / f1 = 1.5: 12 * log2(1.5) = 7.0 semitones


def test_both_implementations_tag_the_domain_s_scale_free_bit() -> None:
    assert TRIPLET_FAMILY == SCALE_FREE == TWIN_FAMILY


def test_equal_times_give_no_triplets_and_bad_parameters_are_refused() -> None:
    same_time = np.array([(0, 100, 1.0), (5, 150, 1.0), (5, 200, 1.0)], PEAK_DTYPE)
    assert len(triplet_hashes(same_time, TripletParams(fanout=2))[0]) == 0
    peaks = random_peaks(1, 50)
    for bad in (TripletParams(fanout=1), TripletParams(fanout=65), TripletParams(3, dt_min=0)):
        with pytest.raises(InvalidParameters):  # once an empty print, like silence
            triplet_hashes(peaks, bad)


def share_found(time: float, freq: float, seed: int = 3) -> float:
    """Share of the index's triplets that a tolerant query of the scaled peaks probes."""
    peaks = random_peaks(seed, 250)
    stored, anchors = triplet_hashes(peaks, TripletParams(fanout=3))
    probed, probe_anchors = triplet_hashes(
        scaled(peaks, time, freq), TripletParams(fanout=3, tolerant=True)
    )
    expected = set(zip(stored.tolist(), np.round(anchors * time).astype(int).tolist(), strict=True))
    found = set(zip(probed.tolist(), probe_anchors.tolist(), strict=True))
    return len(expected & found) / len(expected)


@pytest.mark.parametrize("time", [0.9, 0.95, 1.05, 1.1])
def test_triplets_survive_a_tempo_change(time: float) -> None:
    assert share_found(time, 1.0) >= 0.8


@pytest.mark.parametrize("semitones", [-1, 1])
def test_triplets_survive_a_pitch_shift(semitones: int) -> None:
    assert share_found(1.0, 2 ** (semitones / 12)) >= 0.8


@pytest.mark.parametrize("speed", [0.95, 1.05])
def test_triplets_survive_an_off_speed_playback(speed: float) -> None:
    assert share_found(1 / speed, speed) >= 0.8


def test_unscaled_peaks_find_every_triplet_and_probing_is_bounded() -> None:
    assert share_found(1.0, 1.0) == 1.0
    peaks = random_peaks(4, 250)
    stored, _ = triplet_hashes(peaks, TripletParams(fanout=3))
    probed, _ = triplet_hashes(peaks, TripletParams(fanout=3, tolerant=True))
    assert len(probed) <= 8 * len(stored)  # the probes a query pays for its tolerance

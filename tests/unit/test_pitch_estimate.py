"""A match's pitch from aligned counts at tried frequency ratios (domain.exact.pitch)."""

from __future__ import annotations

import itertools
import math
import uuid

import pytest

from domain.exact.pitch import (
    COARSE_STEP,
    FINE_STEP,
    MIN_ALIGNED,
    RANGE,
    aligned_at,
    coarse_pitches,
    estimate_pitch,
    fine_pitches,
    frequency_ratio,
    semitones_of,
)
from domain.matches import ExactMatch


def counts_around(true: float, peak: int = 60, width: float = 0.2) -> dict[float, int]:
    """What a track's pairs score at each coarse pitch, then at the fine ones: a peak at
    `true` falling off over `width` semitones (pair hashes tolerate a bin's error)."""

    def score(pitch: float) -> int:
        return round(peak * math.exp(-(((pitch - true) / width) ** 2)))

    counts = {p: score(p) for p in coarse_pitches()}
    counts |= {p: score(p) for p in fine_pitches(counts)}
    return counts


def test_the_coarse_tries_span_every_speed_the_slope_fit_accepts() -> None:
    pitches = coarse_pitches()
    assert pitches[0] == -RANGE and pitches[-1] == RANGE and 0.0 in pitches
    assert all(b - a == COARSE_STEP for a, b in itertools.pairwise(pitches))
    assert semitones_of(1.12) < RANGE  # MAX_STRETCH played off-speed


@pytest.mark.parametrize("true", [0.0, 1.0, -1.0, 0.68, -0.35, 1.9, 0.2])
def test_the_peak_is_found_to_a_tenth_of_a_semitone(true: float) -> None:
    assert estimate_pitch(counts_around(true)) == pytest.approx(true, abs=0.11)


def test_the_fine_tries_flank_the_best_coarse_one() -> None:
    coarse = {p: (50 if p == 1.0 else 2) for p in coarse_pitches()}
    assert fine_pitches(coarse) == (1.0 - FINE_STEP, 1.0 + FINE_STEP)
    assert fine_pitches(coarse | {0.75: 10, 1.25: 9}) == ()  # already tried


def test_no_pitch_from_too_little_or_no_standing_out() -> None:
    assert estimate_pitch({}) is None
    weak = dict.fromkeys(coarse_pitches(), 0) | {0.5: MIN_ALIGNED - 1}
    assert estimate_pitch(weak) is None
    flat = {p: 30 + (p == 1.0) for p in coarse_pitches()}  # the ratio makes no difference
    assert estimate_pitch(flat) is None


def test_a_tie_goes_to_no_change() -> None:
    tie = dict.fromkeys(coarse_pitches(), 0) | {-0.5: 20, 0.0: 20, 0.5: 20}
    assert estimate_pitch(tie) == 0.0


def test_ratios_and_semitones_convert_both_ways() -> None:
    assert frequency_ratio(12.0) == pytest.approx(2.0)
    assert semitones_of(frequency_ratio(-0.7)) == pytest.approx(-0.7)


def test_a_tried_pitch_scores_only_its_own_track_at_its_offset() -> None:
    track, other = uuid.uuid4(), uuid.uuid4()

    def match(track_id: uuid.UUID, offset: float, aligned: int) -> ExactMatch:
        return ExactMatch(track_id, offset, aligned, 1.0, 0.0, 5.0)

    found = [match(other, 30.0, 90), match(track, 80.0, 50), match(track, 30.1, 40)]
    assert aligned_at(found, track, 30.0, tolerance=0.3) == 40
    assert aligned_at(found, track, 55.0, tolerance=0.3) == 0

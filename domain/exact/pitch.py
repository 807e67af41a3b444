"""Where a match's pitch sits against the recording's, in semitones.

The alignment gives a match's time scale (its speed), not its pitch: the triplets that find
tempo, pitch and speed changes are built from frequency ratios. Pair hashes keep absolute
frequencies, so a clip's pairs made at its true frequency ratio line up with the recording
at the match's offset far better than at a wrong one, and the pitch is where that count
peaks: a tempo change with the key kept at 0, a record played 3 % fast at +0.5, a key
change of a semitone at +-1. The ratios are tried coarsely over the whole range, then on
either side of the best, and the peak is placed between them by a parabola (a pair hash
tolerates a bin's error, so counts fall off smoothly around the true ratio).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from uuid import UUID

from domain.exact.fingerprint import MAX_STRETCH
from domain.matches import ExactMatch

COARSE_STEP = 0.5  # semitones between the first tries (a pair hash still hits 0.25 away)
FINE_STEP = COARSE_STEP / 2  # then this far either side of the best
# Tried up to this far either side: any speed the slope fit accepts, played off-speed.
RANGE = math.ceil(12 * math.log2(1 + MAX_STRETCH) / COARSE_STEP) * COARSE_STEP
MIN_ALIGNED = 8  # fewer aligned hashes at the best ratio say nothing about the pitch
PEAK_OVER_MEDIAN = 2.0  # the best ratio must stand out from the rest of the range
SHOWN_TO = 0.1  # semitones: what is reported (a pair hash cannot resolve much finer)


def semitones_of(frequency_ratio: float) -> float:
    return 12.0 * math.log2(frequency_ratio)


def frequency_ratio(semitones: float) -> float:
    return 2.0 ** (semitones / 12.0)


def coarse_pitches() -> tuple[float, ...]:
    """The first tries, in semitones: the whole range at COARSE_STEP."""
    steps = round(RANGE / COARSE_STEP)
    return tuple(k * COARSE_STEP for k in range(-steps, steps + 1))


def fine_pitches(counts: Mapping[float, int]) -> tuple[float, ...]:
    """The second tries: FINE_STEP either side of the best so far (those not yet tried)."""
    best = _best(counts)
    return tuple(p for p in (best - FINE_STEP, best + FINE_STEP) if p not in counts)


def estimate_pitch(counts: Mapping[float, int]) -> float | None:
    """The pitch in semitones (to SHOWN_TO) from aligned counts per tried pitch; None when
    the best count is too small or does not stand out from the others."""
    if not counts:
        return None
    best = _best(counts)
    peak = counts[best]
    others = sorted(count for pitch, count in counts.items() if pitch != best)
    middle = others[len(others) // 2] if others else 0
    if peak < MIN_ALIGNED or peak < PEAK_OVER_MEDIAN * middle:
        return None
    left, right = counts.get(best - FINE_STEP), counts.get(best + FINE_STEP)
    shift = 0.0
    if left is not None and right is not None:
        curvature = left - 2 * peak + right
        if curvature < 0:
            shift = 0.5 * (left - right) / curvature * FINE_STEP
            shift = max(-FINE_STEP / 2, min(FINE_STEP / 2, shift))
    shown = round((best + shift) / SHOWN_TO) * SHOWN_TO
    return round(shown, 1) + 0.0  # no -0.0


def aligned_at(
    matches: Iterable[ExactMatch], track_id: UUID, offset_seconds: float, tolerance: float
) -> int:
    """Aligned hashes of `track_id`'s match at `offset_seconds` (within `tolerance`), 0 if
    none: what one tried pitch scores."""
    return max(
        (
            m.aligned_hashes
            for m in matches
            if m.track_id == track_id and abs(m.offset_seconds - offset_seconds) <= tolerance
        ),
        default=0,
    )


def _best(counts: Mapping[float, int]) -> float:
    # Ties go to the pitch nearest no change.
    return max(counts, key=lambda pitch: (counts[pitch], -abs(pitch)))

"""A found match's pitch: its audio's pair hashes tried at frequency ratios around it.

Only worth its lookups (about eleven prints of dense pairs) once per track heard, not per
search pass: the timeline asks when a segment starts (see application.timeline.windows).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.identify.exact_lookup import match_exact
from application.identify.exact_passes import PrintsOf
from domain.exact.analysis import pitched
from domain.exact.pitch import (
    aligned_at,
    coarse_pitches,
    estimate_pitch,
    fine_pitches,
    frequency_ratio,
)
from domain.ports.fingerprint_index import FingerprintIndex

MATCHES_PER_TRY = 5  # the track is near the top at its own pitch; elsewhere it scores 0
SPEED_DIGITS = 3  # the speed the prints are made at (shared by every try's print)


async def measure_pitch(
    prints_of: PrintsOf,
    index: FingerprintIndex,
    track_id: UUID,
    speed: float,
    offset_seconds: float,
    tolerance_seconds: float,
) -> float | None:
    """The pitch shift in semitones of `track_id` heard at `speed`, its position
    `offset_seconds` at the start of the audio `prints_of` makes; None when no tried ratio
    lines up clearly better than the others."""
    speed = round(speed, SPEED_DIGITS)
    counts: dict[float, int] = {}

    async def score(pitches: Sequence[float]) -> None:
        analyses = tuple(pitched(speed, frequency_ratio(p)) for p in pitches)
        for pitch, fingerprint in zip(pitches, await prints_of(analyses), strict=True):
            matches = await match_exact(index, fingerprint, MATCHES_PER_TRY)
            counts[pitch] = aligned_at(matches, track_id, offset_seconds, tolerance_seconds)

    await score(coarse_pitches())
    await score(fine_pitches(counts))
    return estimate_pitch(counts)

"""An exact match as a person reads it: a word for how sure, and the evidence behind it.

`confidence` is one minus the chance that an alignment this strong arises by coincidence
(given the clip's length and what the index holds, corrected for the tries made), which
is why right answers nearly all read 1.0: a number a person cannot weigh. The word says
what it means instead, and the evidence says what was seen.
"""

from __future__ import annotations

from enum import StrEnum

from domain.matches import ExactMatch

CERTAIN_AT = 0.999  # a coincidence this strong: less than once in a thousand searches
LIKELY_AT = 0.95  # less than once in twenty
SPEED_SHOWN_FROM = 0.005  # below half a percent a fitted speed is measurement noise
PITCH_SHOWN_FROM = 0.15  # semitones: a measured pitch is good to about a tenth of one


class Certainty(StrEnum):
    """How sure an exact match is, from its confidence."""

    CERTAIN = "certain"
    LIKELY = "likely"
    POSSIBLE = "possible"

    @classmethod
    def of(cls, confidence: float) -> Certainty:
        if confidence >= CERTAIN_AT:
            return cls.CERTAIN
        return cls.LIKELY if confidence >= LIKELY_AT else cls.POSSIBLE


def speed_note(speed: float) -> str | None:
    """'played 4 % fast' / 'played 1.5 % slow', or None when the clip runs at the track's
    own speed (a pitch shift alone leaves the speed at 1)."""
    change = speed - 1.0
    if abs(change) < SPEED_SHOWN_FROM:
        return None
    percent = abs(change) * 100
    amount = f"{percent:.0f}" if percent >= 2 else f"{percent:.1f}"
    return f"played {amount} % {'fast' if change > 0 else 'slow'}"


def pitch_note(semitones: float | None, speed: float | None = None) -> str | None:
    """'pitch +1.0 semitone' / 'pitch -0.5 semitones'; 'key kept' when the speed changed but
    the pitch did not (a DJ's key lock); None when not measured, or nothing to say."""
    if semitones is None:
        return None
    if abs(semitones) < PITCH_SHOWN_FROM:
        changed = speed is not None and abs(speed - 1.0) >= SPEED_SHOWN_FROM
        return "key kept" if changed else None
    unit = "semitone" if abs(semitones) == 1.0 else "semitones"
    return f"pitch {semitones:+.1f} {unit}"


def evidence(match: ExactMatch, clip_seconds: float) -> str:
    """'43 landmarks line up over 4.7 s of the 5.0 s clip, played 4 % fast'."""
    span = max(0.0, match.query_end - match.query_start)
    landmarks = "landmark lines" if match.aligned_hashes == 1 else "landmarks line"
    said = (
        f"{match.aligned_hashes} {landmarks} up over {span:.1f} s of the {clip_seconds:.1f} s clip"
    )
    note = speed_note(match.speed)
    return f"{said}, {note}" if note else said

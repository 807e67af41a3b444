"""An exact match read as a person would: a word for how sure, and what was seen."""

from __future__ import annotations

import uuid

import pytest

from domain.exact.reading import Certainty, evidence, pitch_note, speed_note
from domain.matches import ExactMatch


@pytest.mark.parametrize(
    ("confidence", "word"),
    [(1.0, "certain"), (0.999, "certain"), (0.998, "likely"), (0.95, "likely"), (0.6, "possible")],
)
def test_the_word_follows_the_chance_of_a_coincidence(confidence: float, word: str) -> None:
    assert Certainty.of(confidence) == word


@pytest.mark.parametrize(
    ("speed", "note"),
    [
        (1.0, None),
        (1.004, None),
        (0.996, None),
        (1.04, "played 4 % fast"),
        (0.97, "played 3 % slow"),
        (1.015, "played 1.5 % fast"),
    ],
)
def test_the_speed_is_said_only_where_it_changed(speed: float, note: str | None) -> None:
    assert speed_note(speed) == note


def test_the_evidence_says_what_lines_up_over_how_much_of_the_clip() -> None:
    match = ExactMatch(uuid.uuid4(), 12.0, 43, 1.0, 0.2, 4.9, speed=1.04)
    assert (
        evidence(match, 5.0) == "43 landmarks line up over 4.7 s of the 5.0 s clip, played 4 % fast"
    )
    single = ExactMatch(uuid.uuid4(), 12.0, 1, 0.6, 1.0, 1.0)
    assert evidence(single, 3.0) == "1 landmark lines up over 0.0 s of the 3.0 s clip"


@pytest.mark.parametrize(
    ("semitones", "speed", "note"),
    [
        (None, 1.06, None),  # not measured
        (0.0, 1.06, "key kept"),  # a DJ's key lock
        (0.1, 0.95, "key kept"),  # within the measurement's tenth of a semitone
        (0.0, 1.0, None),  # nothing changed
        (1.0, 1.0, "pitch +1.0 semitone"),
        (-0.5, 1.0, "pitch -0.5 semitones"),
        (0.7, 1.04, "pitch +0.7 semitones"),  # played off-speed: pitch and tempo together
    ],
)
def test_the_pitch_is_said_where_it_moved_or_was_kept(
    semitones: float | None, speed: float, note: str | None
) -> None:
    assert pitch_note(semitones, speed) == note

"""Segments from synthetic window votes: merging, crossfades, repeats, loops, speed, unknown."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import numpy as np
import pytest

from domain.timeline.segmenter import Segmenter
from domain.timeline.segments import (
    Segment,
    SegmentSettled,
    SegmentStarted,
    Sighting,
    WindowSightings,
)

A, B = UUID(int=1), UUID(int=2)
WINDOW, HOP = 10.0, 5.0


def seen(
    track: UUID,
    window: float,
    at: float,
    *,
    first: float | None = None,
    last: float | None = None,
    speed: float = 1.0,
    confidence: float = 1.0,
    pitch: float | None = None,
) -> Sighting:
    """`track` heard in the window starting at `window`, at position `at` (seconds) at the
    stream time the window starts, aligned from `first` to `last` (default: all of it)."""
    first = window + 0.2 if first is None else first
    last = window + WINDOW - 0.2 if last is None else last
    position = at + speed * (first - window)
    return Sighting(track, first, last, position, speed, confidence, aligned=20, pitch=pitch,
                    pitch_tried=pitch is not None)  # fmt: skip


class Timeline:
    """A segmenter fed window by window; keeps every event it emitted."""

    def __init__(self) -> None:
        self.segmenter = Segmenter()
        self.events: list[SegmentStarted | SegmentSettled] = []

    def window(self, start: float, *sightings: Sighting) -> None:
        self.events += self.segmenter.observe(
            WindowSightings(start, start + WINDOW, tuple(sightings))
        )

    def finish(self, end: float) -> list[Segment]:
        self.events += self.segmenter.finish(end)
        return self.settled()

    def settled(self) -> list[Segment]:
        return [e.segment for e in self.events if isinstance(e, SegmentSettled)]

    def started(self) -> list[Segment]:
        return [e.segment for e in self.events if isinstance(e, SegmentStarted)]


def play(timeline: Timeline, track: UUID, start: float, end: float, position: float,
         speed: float = 1.0) -> None:  # fmt: skip
    """Windows of a stretch where `track` plays from `position` at `start`."""
    window = start
    while window + WINDOW <= end:
        timeline.window(window, seen(track, window, position + speed * (window - start),
                                     speed=speed))  # fmt: skip
        window += HOP


def test_adjacent_windows_with_a_consistent_offset_make_one_segment() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 60.0, position=30.0)
    [segment] = timeline.finish(60.0)
    assert segment.track_id == A
    assert segment.start_seconds == pytest.approx(0.2)
    assert segment.end_seconds == pytest.approx(59.8)
    assert segment.offset_seconds == pytest.approx(30.2)
    assert segment.speed == 1.0
    [start] = timeline.started()
    assert start.track_id == A and start.end_seconds is None


def test_a_crossfade_gives_two_segments_overlapping_by_the_fade() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 25.0, position=0.0)
    # A fades out over 26-30 while B fades in: the window at 25 holds both, weakly.
    timeline.window(
        25.0,
        seen(A, 25.0, 25.0, last=29.5, confidence=0.01),
        seen(B, 25.0, 0.0, first=26.5, confidence=0.9),
    )
    for window in (30.0, 35.0, 40.0, 45.0, 50.0):
        timeline.window(window, seen(B, window, window - 25.0))
    a, b = timeline.finish(60.0)
    assert (a.track_id, b.track_id) == (A, B)
    assert a.end_seconds == pytest.approx(29.5)  # the weak sighting at A's position counts
    assert b.start_seconds == pytest.approx(26.5)
    assert b.offset_seconds == pytest.approx(1.5)
    assert a.end_seconds > b.start_seconds


def test_a_weak_sighting_starts_nothing() -> None:
    timeline = Timeline()
    for window in (0.0, 5.0, 10.0):
        timeline.window(window, seen(A, window, 40.0 + window, confidence=0.3))
    assert timeline.finish(20.0) == [Segment(0.0, 20.0, None)]


def test_a_jump_inside_a_track_starts_a_new_segment() -> None:
    """A DJ loop: A plays 0-30 from 60 s, then from 52 s again (8 s back) until 60."""
    timeline = Timeline()
    play(timeline, A, 0.0, 30.0, position=60.0)
    play(timeline, A, 30.0, 60.0, position=52.0)
    first, second = timeline.finish(60.0)
    assert first.offset_seconds == pytest.approx(60.2)
    assert first.end_seconds == pytest.approx(29.8)
    assert second.start_seconds == pytest.approx(30.2)
    assert second.offset_seconds == pytest.approx(52.2)


def test_music_repeating_itself_for_one_window_is_not_a_jump() -> None:
    """One window matches a repeated chorus elsewhere in the track; the next is back."""
    timeline = Timeline()
    play(timeline, A, 0.0, 20.0, position=10.0)
    timeline.window(15.0, seen(A, 15.0, 95.0))  # the same notes, 70 s later in the track
    play(timeline, A, 20.0, 50.0, position=30.0)
    [segment] = timeline.finish(50.0)
    assert segment.track_id == A
    assert segment.offset_seconds == pytest.approx(10.2)
    assert [s.offset_seconds for s in timeline.started()] == [pytest.approx(10.2)]


def test_a_repeat_of_the_same_track_later_is_a_second_segment() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 30.0, position=0.0)
    play(timeline, B, 30.0, 60.0, position=0.0)
    play(timeline, A, 60.0, 90.0, position=0.0)
    segments = timeline.finish(90.0)
    assert [s.track_id for s in segments] == [A, B, A]
    assert segments[2].offset_seconds == pytest.approx(0.2)


def test_a_sped_up_track_is_one_segment_with_its_fitted_speed() -> None:
    """Sighted at the nearest assumed speeds (1.02 and 1.04); the fit finds 1.03."""
    timeline = Timeline()
    window = 0.0
    while window + WINDOW <= 60.0:
        assumed = 1.02 if int(window / HOP) % 2 else 1.04
        position = 20.0 + 1.03 * window
        sighting = seen(A, window, position, speed=1.03)
        timeline.window(window, Sighting(A, sighting.first, sighting.last, sighting.position,
                                         assumed, 1.0, 20))  # fmt: skip
        window += HOP
    [segment] = timeline.finish(60.0)
    assert segment.speed == pytest.approx(1.03, abs=0.001)
    assert segment.offset_seconds == pytest.approx(20.0 + 1.03 * 0.2, abs=0.01)


def test_a_change_of_speed_starts_a_new_segment() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 30.0, position=0.0)
    play(timeline, A, 30.0, 60.0, position=30.0, speed=1.05)
    first, second = timeline.finish(60.0)
    assert (first.speed, second.speed) == (1.0, pytest.approx(1.05, abs=0.002))


def test_audio_matching_nothing_is_an_unknown_segment_never_a_track() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 30.0, position=0.0)
    for window in (25.0, 30.0, 35.0, 40.0, 45.0):
        timeline.window(window)  # 30-55: nothing in the library
    play(timeline, B, 55.0, 80.0, position=10.0)
    a, unknown, b = timeline.finish(80.0)
    assert unknown.track_id is None and unknown.offset_seconds is None
    assert unknown.start_seconds == pytest.approx(a.end_seconds)
    assert unknown.end_seconds == pytest.approx(b.start_seconds)
    # Its start was said as soon as no window could claim it any more.
    assert [s.track_id for s in timeline.started()] == [A, None, B]


def test_a_short_gap_between_segments_is_no_unknown_segment() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 30.0, position=0.0)
    play(timeline, B, 32.0, 60.0, position=0.0)
    assert [s.track_id for s in timeline.finish(60.0)] == [A, B]


def test_a_track_heard_again_after_a_dropout_continues_its_segment() -> None:
    """A noisy window in the middle sees nothing; the next ones find A where it should be."""
    timeline = Timeline()
    play(timeline, A, 0.0, 25.0, position=0.0)
    timeline.window(20.0)
    play(timeline, A, 25.0, 50.0, position=25.0)
    [segment] = timeline.finish(50.0)
    assert (segment.start_seconds, segment.end_seconds) == (pytest.approx(0.2), pytest.approx(49.8))


def test_silence_only_is_one_unknown_segment_or_nothing() -> None:
    timeline = Timeline()
    for window in (0.0, 5.0, 10.0):
        timeline.window(window)
    assert timeline.finish(20.0) == [Segment(0.0, 20.0, None)]
    short = Timeline()
    assert short.finish(3.0) == []


def test_what_the_search_needs_to_know() -> None:
    segmenter = Segmenter()
    segmenter.observe(WindowSightings(0.0, 10.0, (seen(A, 0.0, 0.0, speed=1.04),)))
    continuing = seen(A, 5.0, 5.0 * 1.04, speed=1.04, confidence=0.01)
    weak_other = seen(B, 5.0, 0.0, confidence=0.01)
    assert segmenter.explains((continuing,), after=13.0)
    assert not segmenter.explains((weak_other,), after=13.0)
    assert not segmenter.explains((continuing,), after=14.9)
    assert not segmenter.continues_all((weak_other,))
    assert segmenter.unextended_playing((weak_other,)) == {(1.04, None)}
    assert segmenter.unextended_playing((continuing,)) == set()
    assert segmenter.continues_all((continuing,))
    assert segmenter.new_starts((seen(B, 5.0, 0.0), continuing)) == [seen(B, 5.0, 0.0)]


def test_a_key_locked_tempo_change_is_one_segment_with_its_speed() -> None:
    """Each window's slope fit says about 1.06 (within a few thousandths): one segment."""
    timeline = Timeline()
    for number, window in enumerate(np.arange(0.0, 55.0, HOP)):
        fitted = 1.06 + (0.004 if number % 2 else -0.003)
        sighting = seen(A, window, 30.0 + 1.06 * window, speed=1.06)
        timeline.window(window, Sighting(A, sighting.first, sighting.last, sighting.position,
                                         fitted, 1.0, 20))  # fmt: skip
    [segment] = timeline.finish(60.0)
    assert segment.speed == pytest.approx(1.06, abs=0.002)
    assert segment.offset_seconds == pytest.approx(30.0 + 1.06 * 0.2, abs=0.02)


def test_a_pitch_shift_with_weak_windows_is_one_segment_at_speed_one() -> None:
    """Pitch shifted: the triplets align at speed 1, some windows only weakly; none starts
    anything new."""
    timeline = Timeline()
    for number, window in enumerate(np.arange(0.0, 55.0, HOP)):
        confidence = 0.02 if number % 3 == 2 else 0.9
        timeline.window(window, seen(A, window, 12.0 + window, confidence=confidence))
    [segment] = timeline.finish(60.0)
    assert (segment.track_id, segment.speed) == (A, 1.0)
    assert segment.end_seconds == pytest.approx(50.0 + WINDOW - 0.2)


def test_a_loop_played_twice_is_a_segment_per_pass() -> None:
    """A DJ loops 20 s of A twice, then lets it play on: three segments, each its offset."""
    timeline = Timeline()
    play(timeline, A, 0.0, 20.0, position=40.0)
    play(timeline, A, 20.0, 40.0, position=40.0)
    play(timeline, A, 40.0, 70.0, position=40.0)
    segments = timeline.finish(70.0)
    assert [s.track_id for s in segments] == [A, A, A]
    assert [s.offset_seconds for s in segments] == [pytest.approx(40.2)] * 3


def test_music_repeating_itself_for_several_windows_collapses_into_the_played_run() -> None:
    """A's chorus at 30-50 s comes back at 90-110 s: while the stream plays 90-110, windows
    align at both places; the track plays on at 90, so one segment."""
    timeline = Timeline()
    window = 0.0
    while window + WINDOW <= 60.0:
        sightings = [seen(A, window, 70.0 + window)]
        if 20.0 <= window <= 30.0:  # the stream at 90-110 s of A, also aligned at 30-50 s
            sightings.append(seen(A, window, 10.0 + window, confidence=0.8))
        timeline.window(window, *sightings)
        window += HOP
    [segment] = timeline.finish(60.0)
    assert segment.offset_seconds == pytest.approx(70.2)
    assert [s.offset_seconds for s in timeline.started()] == [pytest.approx(70.2)]


def test_unknown_music_between_two_stretched_tracks_is_an_unknown_segment() -> None:
    timeline = Timeline()
    play(timeline, A, 0.0, 30.0, position=0.0, speed=0.94)
    for window in (25.0, 30.0, 35.0, 40.0):
        timeline.window(window)
    play(timeline, B, 45.0, 80.0, position=5.0, speed=1.07)
    a, unknown, b = timeline.finish(80.0)
    assert (a.track_id, unknown.track_id, b.track_id) == (A, None, B)
    assert (a.speed, b.speed) == (pytest.approx(0.94, abs=0.002), pytest.approx(1.07, abs=0.002))
    assert unknown.start_seconds == pytest.approx(a.end_seconds)
    assert unknown.end_seconds == pytest.approx(b.start_seconds)


def test_weak_sightings_holding_their_course_over_later_audio_start_a_segment() -> None:
    """Too degraded for any one window: three weak sightings of A, each of the next 10 s,
    each where the one before predicts (slowed to 0.94). The segment starts at the first."""
    timeline = Timeline()
    for window in (0.0, 10.0, 20.0, 30.0):
        timeline.window(window, seen(A, window, 50.0 + 0.94 * window, speed=0.94,
                                     confidence=0.01))  # fmt: skip
    [segment] = timeline.finish(40.0)
    assert (segment.track_id, segment.start_seconds) == (A, pytest.approx(0.2))
    assert segment.speed == pytest.approx(0.94, abs=0.002)
    assert segment.confidence == pytest.approx(0.01)


def test_weak_sightings_that_disagree_start_nothing() -> None:
    timeline = Timeline()
    for window, at in ((0.0, 50.0), (10.0, 75.0), (20.0, 61.0), (30.0, 40.0)):
        timeline.window(window, seen(A, window, at, confidence=0.01),
                        seen(B, window, at / 2 + window, confidence=0.01))  # fmt: skip
    assert timeline.finish(40.0) == [Segment(0.0, 40.0, None)]


def test_music_another_track_shares_is_no_segment_inside_the_playing_one() -> None:
    """B shares a theme with A: for two windows in the middle of A both align; A plays on."""
    timeline = Timeline()
    window = 0.0
    while window + WINDOW <= 60.0:
        sightings = [seen(A, window, 70.0 + window)]
        if window in (20.0, 25.0):
            sightings.append(seen(B, window, 100.0 + window, confidence=0.9))
        timeline.window(window, *sightings)
        window += HOP
    assert [s.track_id for s in timeline.finish(60.0)] == [A]


def test_two_versions_of_one_piece_starting_together_are_both_kept() -> None:
    """The library holds a piece and its faster version: both align from the start of a
    track that begins just after A; neither is music A shares, so both count."""
    timeline = Timeline()
    play(timeline, A, 0.0, 15.0, position=0.0)  # A's last evidence at 14.8, still playing
    c = UUID(int=3)
    window = 15.0
    while window + WINDOW <= 60.0:
        timeline.window(window, seen(B, window, window - 15.0),
                        seen(c, window, 1.1 * (window - 15.0), speed=1.1))  # fmt: skip
        window += HOP
    assert [s.track_id for s in timeline.finish(60.0)] == [A, B, c]


def test_a_segment_carries_the_first_pitch_measured_and_tries_a_few_times() -> None:
    """Its pitch is asked for when it starts, and while unknown for a few more windows."""
    timeline = Timeline()
    segmenter = timeline.segmenter
    first = seen(A, 0.0, 30.0, speed=1.06)
    assert segmenter.wants_pitch(first)  # a confident start
    assert not segmenter.wants_pitch(seen(B, 0.0, 0.0, confidence=0.3))  # starts nothing
    timeline.window(0.0, replace(first, pitch_tried=True))  # no clear answer
    tries = 1
    window = HOP
    while segmenter.wants_pitch(sighting := seen(A, window, 30.0 + 1.06 * window, speed=1.06)):
        found = 0.0 if tries == 2 else None  # the key kept, on the third try
        timeline.window(window, replace(sighting, pitch=found, pitch_tried=True))
        tries, window = tries + 1, window + HOP
    assert tries == 3
    timeline.window(window, seen(A, window, 30.0 + 1.06 * window, speed=1.06, pitch=-2.0))
    [segment] = timeline.finish(window + WINDOW)
    assert segment.pitch_semitones == 0.0
    assert Timeline().segmenter.wants_pitch(first)


def test_a_run_whose_pitch_never_shows_stops_asking() -> None:
    timeline = Timeline()
    for window in (0.0, 5.0, 10.0):
        timeline.window(window, replace(seen(A, window, window), pitch_tried=True))
    assert not timeline.segmenter.wants_pitch(seen(A, 15.0, 15.0))
    segment, _after = timeline.finish(30.0)  # then an unknown stretch: unseen past 19.8
    assert (segment.track_id, segment.pitch_semitones) == (A, None)


def test_a_track_heard_past_the_outgoing_ones_last_evidence_counts_at_once() -> None:
    """Live windows 2 s apart: A fades out by 31 s while B fades in from 27 s. B counts in
    the first window that hears it 2 s past A's last evidence, not only once a window
    misses A altogether (which would start after 31 s and end 10 s later)."""
    timeline = Timeline()
    for window in np.arange(0.0, 20.0, 2.0):
        timeline.window(window, seen(A, window, window))
    for window in np.arange(20.0, 36.0, 2.0):
        a_last = min(window + WINDOW - 0.2, 31.0)
        sightings = [seen(A, window, window, last=a_last)] if a_last > window else []
        if window + WINDOW > 28.0:
            b_first = max(window + 0.2, 28.0)
            sightings.append(seen(B, window, 0.0 + (b_first - 27.0) - (b_first - window),
                                  first=b_first))  # fmt: skip
        timeline.window(window, *sightings)
        if any(s.track_id == B for s in timeline.started()):
            break
    # The window [24, 34): A heard until 31, B until 33.8.
    assert [s.track_id for s in timeline.started()] == [A, B]
    assert window == 24.0


def test_a_moment_seen_by_overlapping_windows_starts_nothing() -> None:
    """Live windows overlap: five of them see the same 0.1 s where some figure happens to
    align with B, confidently or weakly; one moment is no track playing."""
    for confidence in (0.99, 0.3):
        timeline = Timeline()
        for window in np.arange(0.0, 10.0, 2.0):
            moment = seen(B, window, 40.0 + (11.0 - window), first=11.0, last=11.1,
                          confidence=confidence)  # fmt: skip
            timeline.window(window, moment)
        assert timeline.finish(25.0) == [Segment(0.0, 25.0, None)]

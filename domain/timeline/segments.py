"""A timeline of what played when: what each window of a stream showed, and the segments.

Times are seconds from the start of the stream. A track's position moves `speed` seconds
per stream second (1.02: the stream plays it 2 % fast: its tempo, and its pitch too unless
the key was kept, which `pitch_semitones` tells).
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True, slots=True)
class Sighting:
    """One window's evidence of a track: hashes aligned from `first` to `last` in the stream,
    with the track at `position` seconds at `first`. `confidence` is the index's chance-based
    score, already corrected for the tries made on the window. `pitch_tried`: its pitch was
    measured, giving `pitch` (semitones; None: no clear answer)."""

    track_id: UUID
    first: float
    last: float
    position: float
    speed: float
    confidence: float
    aligned: int
    pitch: float | None = None
    pitch_tried: bool = False

    def position_at(self, seconds: float) -> float:
        return self.position + self.speed * (seconds - self.first)


@dataclass(frozen=True, slots=True)
class WindowSightings:
    """Everything one analysis window [start, end) of the stream matched."""

    start: float
    end: float
    sightings: tuple[Sighting, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the stream: a library track from `offset_seconds` into it, or unknown
    (`track_id` None: nothing in the library; offset, speed and confidence are then None).
    `end_seconds` is None while the segment is still playing. `pitch_semitones`: how far
    its pitch sits from the track's (a tempo change with the key kept: 0; played 3 % fast:
    +0.5), None when not measured."""

    start_seconds: float
    end_seconds: float | None
    track_id: UUID | None
    offset_seconds: float | None = None
    speed: float | None = None
    confidence: float | None = None
    pitch_semitones: float | None = None

    @property
    def known(self) -> bool:
        return self.track_id is not None


@dataclass(frozen=True, slots=True)
class SegmentStarted:
    """A segment's start is certain (its end is not yet)."""

    segment: Segment


@dataclass(frozen=True, slots=True)
class SegmentSettled:
    """A segment is complete; nothing later changes it."""

    segment: Segment


TimelineEvent = SegmentStarted | SegmentSettled

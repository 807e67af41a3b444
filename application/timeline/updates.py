"""What a timeline reports while it runs: segments with their tracks, and progress."""

from __future__ import annotations

from dataclasses import dataclass

from domain.library.track import Track
from domain.timeline.segments import Segment


@dataclass(frozen=True, slots=True)
class SegmentReport:
    """A segment's start (`settled` False: still playing) or the whole segment; `track` is
    the library row of a known segment."""

    segment: Segment
    track: Track | None
    settled: bool


@dataclass(frozen=True, slots=True)
class Progress:
    """Seconds of input analysed so far, of `total_seconds` (None: a stream, or unknown)."""

    seconds: float
    total_seconds: float | None = None


TimelineUpdate = SegmentReport | Progress

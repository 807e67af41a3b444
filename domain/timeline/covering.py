"""Whether one library track covers a whole recording."""

from __future__ import annotations

from collections.abc import Sequence

from domain.timeline.segments import Segment


def covering_segment(segments: Sequence[Segment]) -> Segment | None:
    """The one known segment of a timeline that has nothing else, else None.

    The segmenter makes stretches with no track into unknown segments only from a few
    seconds long (`SegmentPolicy.min_unknown`), so a track with a short silence before or
    after it still covers its file; a longer stretch, another track, or the same track
    twice (a jump, a loop) makes a timeline of several segments.
    """
    if len(segments) == 1 and segments[0].known:
        return segments[0]
    return None

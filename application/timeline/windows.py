"""What one window of a stream matches: a cheap look first, the speed search only when needed.

Every window is looked up with the sparse (reference) analysis at the exact speed, which is
what a library track played as it is yields. A playing track that look did not continue is
looked for at its own assumed speed. Only when nothing explains the newest audio does the
window get the dense analysis at every assumed speed, and then at most once per
`search_every_seconds` of stream (see TimelinePacing). Each lookup is a try: confidences
are corrected for the tries made on the window (k tries: confidence ** k), as the exact
lane does for a clip.

A track that starts in a window gets a second look, with the dense analysis at its speed,
in the window one hop earlier: there it was too faint to start anything by itself, but the
segmenter accepts weak evidence at its now known position, which moves its start back to
where it became audible.
"""

from __future__ import annotations

from application.identify.exact_lookup import match_exact
from application.timeline.policy import TimelinePacing, TimelinePolicy
from application.timeline.stream_prints import StreamPrints
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import FingerprintIndex
from domain.timeline.segmenter import Segmenter
from domain.timeline.segments import Sighting, WindowSightings


class WindowMatcher:
    def __init__(
        self,
        index: FingerprintIndex,
        prints: StreamPrints,
        segmenter: Segmenter,
        policy: TimelinePolicy,
        pacing: TimelinePacing,
    ) -> None:
        self._index, self._prints, self._segmenter = index, prints, segmenter
        self._policy, self._pacing = policy, pacing
        self._searched_until = float("-inf")

    async def __call__(self, start: float, end: float) -> WindowSightings:
        hop = self._pacing.hop_seconds
        window = _Window(start, end)
        if not await self._look(window, None):
            return window.sightings()  # no landmarks at all: silence, or too little audio
        for speed in sorted(self._segmenter.unextended_speeds(window.sightings().sightings)):
            if speed in self._policy.speeds:
                await self._look(window, speed)
        newest = end - self._policy.explained_slack_seconds
        due = end - self._searched_until >= self._pacing.search_every_seconds
        if due and not self._segmenter.explains(window.sightings().sightings, newest):
            self._searched_until = end
            for speed in self._policy.speeds:
                if speed not in window.tried:
                    await self._look(window, speed)
        if start - hop >= 0:
            starting = self._segmenter.new_starts(window.sightings().sightings)
            for speed in sorted({s.speed for s in starting} & set(self._policy.speeds)):
                await self._look(window, speed, at=start - hop)
        return window.sightings()

    async def _look(self, window: _Window, speed: float | None, at: float | None = None) -> bool:
        """One lookup (None: the sparse analysis) of the window, or of the same length from
        `at`; False when that has no landmarks."""
        start = window.start if at is None else at
        length = window.end - window.start
        fingerprint = await self._prints.window(start, start + length, speed)
        window.tried.add(speed)
        window.tries += 1
        if not len(fingerprint):
            return False
        found = await match_exact(self._index, fingerprint, self._policy.matches_per_window)
        window.found += [(m, fingerprint.speed, start) for m in found]
        return True


class _Window:
    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end
        self.tried: set[float | None] = set()
        self.tries = 0
        self.found: list[tuple[ExactMatch, float, float]] = []  # match, speed, its window

    def sightings(self) -> WindowSightings:
        tries = max(1, self.tries)
        return WindowSightings(
            self.start,
            self.end,
            tuple(_sighting(m, speed, at, tries) for m, speed, at in self.found),
        )


def _sighting(match: ExactMatch, speed: float, start: float, tries: int) -> Sighting:
    """A match in window coordinates, moved to the stream's; its offset is the track's
    position at the window's start, and positions advance `speed` per second."""
    return Sighting(
        track_id=match.track_id,
        first=start + match.query_start,
        last=start + match.query_end,
        position=match.offset_seconds + speed * match.query_start,
        speed=speed,
        confidence=match.confidence**tries,
        aligned=match.aligned_hashes,
    )

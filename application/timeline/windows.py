"""What one window of a stream matches: the exact lane's passes, as a clip's are tried.

Every window gets the first pass (the index's own sparse analysis, pairs and triplets, with
a fitted slope), which is what a library track yields as it is, and any tempo, pitch or
speed change that leaves its triplets. The later passes (exact_passes: dense pairs and
probed triplets with a slope fit, then tolerant dense pairs) run when that did not settle
the window: a playing track that the window did not continue, or a stretch of the window
that nothing explains (a track found in part of it may hold more: a pitch-shifted track
leaves few of the sparse hashes); the latter at most once per `search_every_seconds` of
stream (see TimelinePacing).
Each print is a try: confidences are corrected for the tries made on the window (k tries:
confidence ** k), as for a clip, and a sighting's speed is its match's fitted slope.

A track that starts in a window gets a second look, with the second pass, in the window
one hop earlier: there it was too faint to start anything by itself, but the segmenter
accepts weak evidence at its now known position, which moves its start back to where it
became audible. It also gets its pitch measured (application.identify.exact_pitch), once it
is found and then only while its segment's pitch is unknown (a few tries), so that a tempo
change with the key kept, a pitch shift and a record played off-speed are told apart.
"""

from __future__ import annotations

import dataclasses

from application.identify.exact_passes import Pass, PassResults, try_pass
from application.identify.exact_pitch import measure_pitch
from application.timeline.policy import TimelinePacing, TimelinePolicy
from application.timeline.stream_prints import StreamPrints
from domain.exact.analysis import dense
from domain.exact.fingerprint import LandmarkFingerprint
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import FingerprintIndex
from domain.timeline.evidence import evidence_span
from domain.timeline.segmenter import Segmenter
from domain.timeline.segments import Sighting, WindowSightings

SPEED_STEP = 0.005  # playing tracks' speeds are looked at to this (each one a print per block)


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
        window = _Window(start, end)
        first, *later = self._policy.passes
        if not await self._try(window, first, start):
            return window.sightings()  # no landmarks at all: silence, or too little audio
        for analyses in later:
            if not self._wanted(window):
                break
            await self._try(window, self._at_run_speeds(analyses, window), start)
        hop = self._pacing.hop_seconds
        if start - hop >= 0 and later and self._segmenter.new_starts(window.sightings().sightings):
            await self._try(window, later[0], start - hop)
        return await self._with_pitch(window.sightings())

    async def _with_pitch(self, found: WindowSightings) -> WindowSightings:
        """The sightings, the strongest of each track whose pitch is wanted measured."""
        measured: set[object] = set()
        sightings = list(found.sightings)
        for i in sorted(range(len(sightings)), key=lambda i: -sightings[i].aligned):
            sighting = sightings[i]
            if sighting.track_id in measured or not self._segmenter.wants_pitch(sighting):
                continue
            measured.add(sighting.track_id)

            async def prints_of(wanted: Pass) -> list[LandmarkFingerprint]:
                return await self._prints.windows(found.start, found.end, wanted)

            pitch = await measure_pitch(
                prints_of,
                self._index,
                sighting.track_id,
                sighting.speed,
                sighting.position_at(found.start),
                self._policy.segments.position_tolerance,
            )
            sightings[i] = dataclasses.replace(sighting, pitch=pitch, pitch_tried=True)
        return WindowSightings(found.start, found.end, tuple(sightings))

    def _at_run_speeds(self, analyses: Pass, window: _Window) -> Pass:
        """The tolerant dense pass also at the speed of each playing track the window has
        not continued (to SPEED_STEP): a quiet track played off-speed keeps more of its
        pairs made at its own speed than the slope fit's pairs made at speed 1."""
        if not any(a.tolerant for a in analyses):
            return analyses
        sightings = window.sightings().sightings
        speeds = {
            round(s / SPEED_STEP) * SPEED_STEP for s in self._segmenter.unextended_speeds(sightings)
        }
        extra = tuple(
            dense(round(speed, 4), tolerant=True)
            for speed in sorted(speeds)
            if all(abs(speed - a.speed) > SPEED_STEP / 2 for a in analyses)
        )
        return analyses + extra

    def _wanted(self, window: _Window) -> bool:
        """Whether the window needs the next pass: a playing track it did not continue, or
        a stretch nothing explains (searched at most once per search_every_seconds)."""
        sightings = window.sightings().sightings
        if not self._segmenter.continues_all(sightings):
            return True
        slack = self._policy.explained_slack_seconds
        if self._segmenter.covers(sightings, window.start, window.end, slack):
            return False
        if window.end - self._searched_until < self._pacing.search_every_seconds:
            return window.searching  # a search begun on this window goes on
        self._searched_until, window.searching = window.end, True
        return True

    async def _try(self, window: _Window, analyses: Pass, at: float) -> bool:
        """One pass over the window's length from `at`; False when it has no landmarks."""
        length = window.end - window.start

        async def prints_of(wanted: Pass) -> list[LandmarkFingerprint]:
            return await self._prints.windows(at, at + length, wanted)

        before = len(window.results.found)
        limit = self._policy.matches_per_window
        landmarks = await try_pass(analyses, prints_of, self._index, limit, window.results)
        window.starts += [at] * (len(window.results.found) - before)
        return landmarks


class _Window:
    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end
        self.results = PassResults()
        self.starts: list[float] = []  # where the print of each found match began
        self.searching = False

    def sightings(self) -> WindowSightings:
        return WindowSightings(
            self.start,
            self.end,
            tuple(
                _sighting(m, at, self.results.corrected(m))
                for m, at in zip(self.results.found, self.starts, strict=True)
            ),
        )


def _sighting(match: ExactMatch, start: float, confidence: float) -> Sighting:
    """A match in window coordinates, moved to the stream's; its offset is the track's
    position at the window's start, and positions advance by its fitted speed per second.
    Its extent is that of its hits less the stray ones (domain.timeline.evidence)."""
    span = evidence_span([q for q, _ in match.aligned_points])
    first, last = span if span is not None else (match.query_start, match.query_end)
    return Sighting(
        track_id=match.track_id,
        first=start + first,
        last=start + last,
        position=match.offset_seconds + match.speed * first,
        speed=match.speed,
        confidence=confidence,
        aligned=match.aligned_hashes,
    )

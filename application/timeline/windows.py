"""What one window of a stream matches: the exact lane's passes, as a clip's are tried.

Every window gets the first pass (the index's own sparse analysis, pairs and triplets, with
a fitted slope), which is what a library track yields as it is, and any tempo, pitch or
speed change that leaves its triplets. The later passes (exact_passes: dense pairs and
probed triplets with a slope fit, then the noise pass's tolerant pairs) run when that did
not settle the window: a playing track that the window did not continue, or a stretch of
the window that nothing explains (a track found in part of it may hold more: a
pitch-shifted track leaves few of the sparse hashes); the latter at most once per
`search_every_seconds` of stream (see TimelinePacing). A tolerant pass of dense pairs is
also made as each playing track it did not continue is played (its speed, and its pitch
once measured).
Each print is a try: confidences are corrected for the tries made on the window (k tries:
confidence ** k), as for a clip, and a sighting's speed is its match's fitted slope.

A track found in a window gets its pitch measured (application.identify.exact_pitch) when
it starts, and while its segment's pitch is unknown (a few tries), so that a tempo change
with the key kept, a pitch shift and a record played off-speed are told apart. A track that
starts in a window is then looked for in the audio before it, a window at a time up to
`look_back_seconds`, with the second pass and as it is played (its speed and pitch): there
it was too faint to start anything by itself, but the segmenter accepts weak evidence at
its now known position, which moves its start back to where it became audible. Those
looks are tries on other audio, corrected among themselves.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from application.identify.exact_passes import Pass, PassResults, try_pass
from application.identify.exact_pitch import measure_pitch
from application.timeline.policy import TimelinePacing, TimelinePolicy
from application.timeline.stream_prints import StreamPrints
from domain.exact.analysis import LandmarkAnalysis, pitched
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.pitch import frequency_ratio
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import FingerprintIndex
from domain.timeline.evidence import evidence_span
from domain.timeline.segmenter import Segmenter
from domain.timeline.segments import Sighting, WindowSightings

SPEED_STEP = 0.005  # playing tracks' speeds are looked at to this (each one a print per block)
PITCH_SECONDS = 5.0  # of a sighting's audio whose pairs measure its pitch


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
        if not await self._try(window.own, first, start, end):
            return window.sightings()  # no landmarks at all: silence, or too little audio
        for analyses in later:
            if not self._wanted(window):
                break
            await self._try(window.own, self._at_run_speeds(analyses, window), start, end)
        await self._measure_pitches(window)
        if later:
            await self._look_back(window, later[0])
        return window.sightings()

    def _at_run_speeds(self, analyses: Pass, window: _Window) -> Pass:
        """The tolerant dense pass also as each playing track the window has not continued
        is played: a quiet track played off-speed, or with its tempo changed and its key
        kept, keeps more of its pairs made that way than the slope fit's pairs made as heard."""
        if not any(a.tolerant for a in analyses):
            return analyses
        playing = self._segmenter.unextended_playing(window.sightings().sightings)
        return _with(analyses, (as_played(speed, pitch) for speed, pitch in playing))

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

    async def _measure_pitches(self, window: _Window) -> None:
        """The pitch of the strongest sighting of each track whose pitch is wanted."""
        measured: set[object] = set()
        sightings = window.own_sightings()
        for i in sorted(range(len(sightings)), key=lambda i: -sightings[i].aligned):
            sighting = sightings[i]
            if sighting.track_id in measured or not self._segmenter.wants_pitch(sighting):
                continue
            measured.add(sighting.track_id)
            window.pitches[i] = await self._pitch_of(sighting, window.start, window.end)

    async def _pitch_of(self, sighting: Sighting, start: float, end: float) -> float | None:
        """Measured on PITCH_SECONDS of its own evidence inside [start, end): enough aligned
        pairs at the right ratio to stand out, at half a window's lookups."""
        start = max(start, min(sighting.first, end - PITCH_SECONDS))
        end = min(end, start + PITCH_SECONDS)

        async def prints_of(wanted: Pass) -> list[LandmarkFingerprint]:
            return await self._prints.windows(start, end, wanted)

        return await measure_pitch(
            prints_of,
            self._index,
            sighting.track_id,
            sighting.speed,
            sighting.position_at(start),
            self._policy.segments.position_tolerance,
        )

    async def _look_back(self, window: _Window, stretchable: Pass) -> None:
        """Tracks starting in the window, looked for in the audio before it: a window
        length at a time, as long as a look finds one of them reaching its beginning."""
        starting = self._segmenter.new_starts(window.sightings().sightings)
        if not starting:
            return
        tracks = {s.track_id for s in starting}
        analyses = _with(stretchable, (as_played(s.speed, s.pitch) for s in starting))
        length = window.end - window.start
        reach = self._policy.explained_slack_seconds
        at = window.start
        while at > 0 and window.start - at < self._policy.look_back_seconds:
            at = max(0.0, at - length)
            before = len(window.back.results.found)
            await self._try(window.back, analyses, at, at + length)
            found = window.back.results.found[before:]
            if not any(m.track_id in tracks and m.query_start <= reach for m in found):
                return

    async def _try(self, tries: _Tries, analyses: Pass, start: float, end: float) -> bool:
        """One pass over [start, end) of the stream; False when it has no landmarks."""

        async def prints_of(wanted: Pass) -> list[LandmarkFingerprint]:
            return await self._prints.windows(start, end, wanted)

        before = len(tries.results.found)
        limit = self._policy.matches_per_window
        landmarks = await try_pass(analyses, prints_of, self._index, limit, tries.results)
        tries.starts += [start] * (len(tries.results.found) - before)
        return landmarks


def as_played(speed: float, pitch: float | None) -> LandmarkAnalysis:
    """Tolerant dense pairs made as a track heard at `speed` (to SPEED_STEP) is played: its
    frequencies moved by its measured `pitch`, or with the speed where none was measured."""
    speed = round(round(speed / SPEED_STEP) * SPEED_STEP, 4)
    ratio = speed if pitch is None else frequency_ratio(pitch)
    return pitched(speed, ratio, tolerant=True)


def _with(analyses: Pass, extra: Iterable[LandmarkAnalysis]) -> Pass:
    """The pass with the extra analyses it does not already make, in a stable order."""
    added = sorted(set(extra) - set(analyses), key=lambda a: (a.speed, a.pitch))
    return analyses + tuple(added)


@dataclasses.dataclass(slots=True)
class _Tries:
    """Matches found by the prints tried on one stretch of audio, and where each began."""

    results: PassResults = dataclasses.field(default_factory=PassResults)
    starts: list[float] = dataclasses.field(default_factory=list[float])

    def sightings(self, pitches: dict[int, float | None] | None = None) -> list[Sighting]:
        pitches = pitches or {}
        return [
            _sighting(m, at, self.results.corrected(m), i in pitches, pitches.get(i))
            for i, (m, at) in enumerate(zip(self.results.found, self.starts, strict=True))
        ]


class _Window:
    def __init__(self, start: float, end: float) -> None:
        self.start, self.end = start, end
        self.own = _Tries()  # the window's own audio
        self.back = _Tries()  # the audio before it, looked at for tracks starting in it
        self.pitches: dict[int, float | None] = {}  # own match index -> measured pitch
        self.searching = False

    def own_sightings(self) -> list[Sighting]:
        return self.own.sightings(self.pitches)

    def sightings(self) -> WindowSightings:
        found = self.own_sightings() + self.back.sightings()
        return WindowSightings(self.start, self.end, tuple(found))


def _sighting(
    match: ExactMatch, start: float, confidence: float, pitch_tried: bool, pitch: float | None
) -> Sighting:
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
        pitch=pitch,
        pitch_tried=pitch_tried,
    )

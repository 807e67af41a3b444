"""From window sightings to segments, one window at a time, in memory bounded by what plays.

Windows arrive in stream order. A sighting that agrees with a playing run (same track, the
position that run predicts, a similar speed) extends it, however weak: at a predicted
position chance alignments are vanishingly rare, which is what finds a fading track's last
seconds in a crossfade. A sighting that agrees with no run starts one if it is confident by
itself, or if it is the last of a chain of weak ones, each of later audio, each where the
chain predicts: a weak alignment lands at a predicted position (within a fraction of a
second of one track among many) by chance about as rarely as a confident one anywhere, so
a track too degraded for any one window (a slowed quiet passage under noise) is still
found once it has held its course for a few windows. A run that no window has seen for a
while has ended: it is settled. Stretches that no known segment covers and that are long
enough become unknown segments.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.timeline.run import TrackRun
from domain.timeline.segments import (
    Segment,
    SegmentSettled,
    SegmentStarted,
    Sighting,
    TimelineEvent,
    WindowSightings,
)


@dataclass(frozen=True, slots=True)
class SegmentPolicy:
    """`start_confidence`: what a sighting needs to start a segment by itself (the exact
    lane's own threshold). `position_tolerance` and `speed_tolerance`: how far a continuing
    track may stray from its run's prediction (past it, a jump or a new speed starts a new
    segment). `max_gap`: seconds after its last evidence, with a window beyond that not
    seeing it, that a track has ended. `min_unknown`: shorter stretches with no track are
    gaps between segments, not unknown segments. `chain`: weak sightings, each of audio
    after the last, that agree on a track, its speed and where in it the stream is, which
    together start a segment (see Segmenter). `alone`: seconds a run that began while
    another played must be heard past that one's last evidence to count as a new track.
    `min_start_seconds`: how long a sighting's evidence must last to start a segment by
    itself (live windows overlap five times over: more tries for a moment of chance)."""

    start_confidence: float = 0.5
    position_tolerance: float = 0.3
    speed_tolerance: float = 0.025
    max_gap: float = 5.0
    min_unknown: float = 5.0
    chain: int = 3
    alone: float = 2.0
    min_start_seconds: float = 1.0


class Segmenter:
    """Feed `observe` each window in order, then `finish` with the stream's length."""

    def __init__(self, policy: SegmentPolicy | None = None) -> None:
        self._policy = policy or SegmentPolicy()
        self._runs: list[TrackRun] = []
        self._chains: list[TrackRun] = []  # weak sightings agreeing so far, not yet runs
        self._settled_until = 0.0  # where the settled segments' known audio ends
        self._unknown_since: float | None = None  # an unknown segment announced, still open
        self._gap_until: float | None = None  # a run starts here, maybe after unknown audio

    def observe(self, window: WindowSightings) -> list[TimelineEvent]:
        events: list[TimelineEvent] = []
        self._assign(window.sightings)
        self._chains = [c for c in self._chains if window.start - c.last <= self._policy.max_gap]
        events += self._settle_ended(window.start)
        events += self._announce()
        events += self._gap()
        events += self._unknown_until(window.start)
        return events

    def finish(self, end: float) -> list[TimelineEvent]:
        """The stream ended at `end` seconds: every segment still open is settled."""
        events = self._settle_ended(float("inf"))
        events += self._gap()
        if self._unknown_since is not None:
            events.append(self._unknown(self._unknown_since, end))
            self._unknown_since = None
        elif end - self._settled_until >= self._policy.min_unknown:
            events.append(self._unknown(self._settled_until, end))
        self._settled_until = max(self._settled_until, end)
        return events

    def explains(self, sightings: tuple[Sighting, ...], after: float) -> bool:
        """Whether some sighting that would count reaches past `after` (the newest audio)."""
        return any(
            s.last >= after and (self._run_for(s) is not None or self._starts(s)) for s in sightings
        )

    def covers(
        self, sightings: tuple[Sighting, ...], start: float, end: float, slack: float
    ) -> bool:
        """Whether sightings that would count leave no stretch of [start, end) longer than
        `slack` unexplained (a track found in part of a window may hold more of it)."""
        spans = sorted(
            (s.first, s.last) for s in sightings if self._run_for(s) is not None or self._starts(s)
        )
        reach = start
        for first, last in spans:
            if first - reach > slack:
                return False
            reach = max(reach, last)
        return end - reach <= slack

    def new_starts(self, sightings: tuple[Sighting, ...]) -> list[Sighting]:
        """The sightings that would start a segment: confident, and continuing none."""
        return [s for s in sightings if self._starts(s) and self._run_for(s) is None]

    def wants_pitch(self, sighting: Sighting) -> bool:
        """Whether the sighting's pitch is worth measuring: it starts a segment, or it
        continues one whose pitch is still unknown (a few tries per run)."""
        run = self._run_for(sighting)
        return self._starts(sighting) if run is None else run.wants_pitch

    def unextended_playing(
        self, sightings: tuple[Sighting, ...]
    ) -> set[tuple[float, float | None]]:
        """(speed, pitch in semitones or None) of the playing runs that count and that none
        of the sightings continues: how to look for them again."""
        continued = {id(run) for s in sightings if (run := self._run_for(s)) is not None}
        return {(r.speed, r.pitch) for r in self._runs if r.confirmed and id(r) not in continued}

    def continues_all(self, sightings: tuple[Sighting, ...]) -> bool:
        """Whether the sightings continue every playing run that counts (not the tentative
        ones: music another track shares is not worth a search)."""
        continued = {id(run) for s in sightings if (run := self._run_for(s)) is not None}
        return all(id(r) in continued for r in self._runs if r.confirmed)

    def _starts(self, sighting: Sighting) -> bool:
        # Hits bunched into a moment (a repeated figure that happens to align) can look
        # confident as if independent; a track that plays is heard over seconds.
        spread = sighting.last - sighting.first >= self._policy.min_start_seconds
        return spread and sighting.confidence >= self._policy.start_confidence

    def _run_for(self, sighting: Sighting) -> TrackRun | None:
        """The playing run this sighting continues, if any (the nearest in position)."""
        return self._nearest(self._runs, sighting)

    def _nearest(self, runs: list[TrackRun], sighting: Sighting) -> TrackRun | None:
        fitting = [
            run
            for run in runs
            if run.track_id == sighting.track_id
            and self._same_speed(run, sighting)
            and run.distance(sighting) <= self._policy.position_tolerance
        ]
        return min(fitting, key=lambda run: run.distance(sighting), default=None)

    def _same_speed(self, run: TrackRun, sighting: Sighting) -> bool:
        """Within the speed tolerance, or too short to tell: a slope fitted to a second of
        hits (a crossfade's edge) is loose, and a speed difference shows only as drift over
        the sighting's span, which must then stay within the position tolerance."""
        apart = abs(run.latest.speed - sighting.speed)
        drift = apart * (sighting.last - sighting.first)
        return apart <= self._policy.speed_tolerance or drift <= self._policy.position_tolerance

    def _assign(self, sightings: tuple[Sighting, ...]) -> None:
        added: set[int] = set()
        for sighting in sorted(sightings, key=lambda s: (-s.confidence, -s.aligned)):
            run = self._run_for(sighting)
            if run is not None:
                if id(run) in added:
                    run.absorb(sighting)
                else:
                    run.add(sighting)
                    added.add(id(run))
            elif self._starts(sighting):
                self._start(TrackRun(sighting, confirmed=False), added)
            else:
                self._chain(sighting, added)
        # A tentative run seen again is a new track (or a loop, a skip) only if it is heard
        # alone: no run that counts was heard in the same window, or the window heard it for
        # `alone` seconds past the last evidence of every one that was. Music that repeats
        # itself inside a track, or that another track shares (a sample, a theme), aligns
        # while the track plays on, which is heard to the window's end as well; in a
        # crossfade the outgoing track is heard no more a few seconds in, and a live window
        # that has gone that far past it says so without waiting for one that misses it
        # whole. Tentative runs heard together (two versions of one piece) all count.
        heard_until = max(
            (r.latest.last for r in self._runs if r.confirmed and id(r) in added),
            default=None,
        )
        for run in self._runs:
            if not run.confirmed and id(run) in added and run.windows >= 2:
                alone = heard_until is None or run.latest.last >= heard_until + self._policy.alone
                run.confirmed = alone

    def _start(self, run: TrackRun, added: set[int]) -> None:
        """A new run: tentative while another run plays (see _assign)."""
        run.confirmed = not self._runs
        self._runs.append(run)
        added.add(id(run))

    def _chain(self, sighting: Sighting, added: set[int]) -> None:
        """A weak sighting continuing no run: it extends the chain it agrees with (a link
        when it brings later audio), and a chain of `chain` links becomes a run."""
        chain = self._nearest(self._chains, sighting)
        if chain is None:
            self._chains.append(TrackRun(sighting, confirmed=False))
            added.add(id(self._chains[-1]))
            return
        if id(chain) in added or sighting.first < chain.last - self._policy.position_tolerance:
            chain.absorb(sighting)  # the same audio again (another pass, overlapping windows)
            return
        chain.add(sighting)
        added.add(id(chain))
        # Overlapping (live) windows see the same moment again: links over a moment only
        # are one piece of evidence, not a chain.
        spread = chain.last - chain.first >= self._policy.min_start_seconds
        if chain.windows >= self._policy.chain and spread:
            self._chains.remove(chain)
            self._start(chain, added)

    def _settle_ended(self, now: float) -> list[TimelineEvent]:
        """Runs unseen since `max_gap` before `now` (the start of a window that missed them)."""
        ended = [r for r in self._runs if now - r.last > self._policy.max_gap]
        events: list[TimelineEvent] = []
        for run in sorted(ended, key=lambda r: r.first):
            self._runs.remove(run)
            for other in self._runs:  # it outlived a real run it rivalled, so it is real
                if run.confirmed and other.first < run.last < other.last:
                    other.confirmed = True
            if run.confirmed:
                events += self._announce_one(run)
                events.append(SegmentSettled(run.segment(run.last)))
                self._settled_until = max(self._settled_until, run.last)
        return events

    def _announce(self) -> list[TimelineEvent]:
        events: list[TimelineEvent] = []
        for run in sorted(self._runs, key=lambda r: r.first):
            events += self._announce_one(run)
        return events

    def _announce_one(self, run: TrackRun) -> list[TimelineEvent]:
        """A confirmed run's start, once; it closes the unknown stretch before it."""
        if not run.confirmed or run.announced:
            return []
        run.announced = True
        events: list[TimelineEvent] = []
        if self._unknown_since is not None:
            events.append(self._unknown(self._unknown_since, max(self._unknown_since, run.first)))
            self._unknown_since = None
        elif self._gap_until is None or run.first < self._gap_until:
            self._gap_until = run.first
        events.append(SegmentStarted(run.segment(None)))
        return events

    def _gap(self) -> list[TimelineEvent]:
        """Unknown audio before a run that began while others played: said once the runs
        that began before it have ended (until then they may still reach into the gap)."""
        until = self._gap_until
        if until is None or any(r.confirmed and r.first < until for r in self._runs):
            return []
        self._gap_until = None
        if until - self._settled_until < self._policy.min_unknown:
            return []
        return [self._unknown(self._settled_until, until)]

    def _unknown_until(self, decided: float) -> list[TimelineEvent]:
        """Audio before `decided` has been in every window it will ever be in; with nothing
        playing or forming, audio after the last segment is unknown once that is long enough."""
        if self._unknown_since is not None or any(r.confirmed for r in self._runs):
            return []
        if self._chains:  # audio a chain of weak sightings may yet claim is not decided
            decided = min(decided, *(c.first for c in self._chains))
        if decided - self._settled_until < self._policy.min_unknown:
            return []
        self._unknown_since = self._settled_until
        return [SegmentStarted(Segment(round(self._settled_until, 3), None, None))]

    @staticmethod
    def _unknown(start: float, end: float) -> SegmentSettled:
        return SegmentSettled(Segment(round(start, 3), round(end, 3), None))

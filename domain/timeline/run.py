"""One track heard continuously: the sightings that agree on where in it the stream is."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from domain.timeline.segments import Segment, Sighting

MIN_FIT_SECONDS = 5.0  # sightings spread over less than this say little about the speed
PITCH_TRIES = 3  # windows whose pitch is measured for a run before it goes without one


@dataclass(slots=True)
class _LineFit:
    """Least squares of track position against stream time, kept as running sums (O(1))."""

    origin: float
    n: int = 0
    t: float = 0.0
    p: float = 0.0
    tt: float = 0.0
    tp: float = 0.0
    low: float = float("inf")
    high: float = float("-inf")

    def add(self, seconds: float, position: float) -> None:
        x = seconds - self.origin
        self.n += 1
        self.t, self.p = self.t + x, self.p + position
        self.tt, self.tp = self.tt + x * x, self.tp + x * position
        self.low, self.high = min(self.low, seconds), max(self.high, seconds)

    def slope(self) -> float | None:
        spread = self.n * self.tt - self.t * self.t
        if self.n < 2 or self.high - self.low < MIN_FIT_SECONDS or spread <= 0:
            return None
        return (self.n * self.tp - self.t * self.p) / spread

    def at(self, seconds: float, slope: float) -> float:
        return (self.p - slope * self.t) / self.n + slope * (seconds - self.origin)


@dataclass(slots=True)
class TrackRun:
    """A track playing from `first` to `last` (stream seconds of its aligned evidence).

    Each window adds at most one sighting to a run. A run may be tentative: another run was
    playing when it began, so it could be music repeated inside that track or shared with
    it rather than a new track or a jump; it counts once a later window sees it without the
    other, or it outlives the other.
    """

    latest: Sighting
    confirmed: bool
    first: float = 0.0
    last: float = 0.0
    confidence: float = 0.0
    announced: bool = False
    windows: int = 0
    pitch: float | None = None  # semitones, the first clear measurement
    pitch_tries: int = 0
    fit: _LineFit = field(init=False)

    def __post_init__(self) -> None:
        self.first, self.last = self.latest.first, self.latest.last
        self.confidence = self.latest.confidence
        self.fit = _LineFit(origin=self.latest.first)
        self.fit.add(self.latest.first, self.latest.position)
        self.windows = 1
        self._take_pitch(self.latest)

    @property
    def wants_pitch(self) -> bool:
        """Its pitch is unknown and worth another try."""
        return self.pitch is None and self.pitch_tries < PITCH_TRIES

    @property
    def track_id(self) -> UUID:
        return self.latest.track_id

    @property
    def speed(self) -> float:
        """Its speed: fitted over its windows when they span enough, else its latest's."""
        fitted = self.fit.slope()
        return self.latest.speed if fitted is None else fitted

    def distance(self, sighting: Sighting) -> float:
        """How far (seconds of track) the sighting is from where this run should be by then."""
        return abs(sighting.position - self.latest.position_at(sighting.first))

    def add(self, sighting: Sighting) -> None:
        """The next window's evidence of this run (its position joins the speed fit)."""
        self.absorb(sighting)
        self.latest = sighting
        self.fit.add(sighting.first, sighting.position)
        self.windows += 1

    def absorb(self, sighting: Sighting) -> None:
        """More evidence from a window that already added one (another pass). A start
        once announced stays where it was said to be."""
        if not self.announced:
            self.first = min(self.first, sighting.first)
        self.last = max(self.last, sighting.last)
        self.confidence = max(self.confidence, sighting.confidence)
        self._take_pitch(sighting)

    def _take_pitch(self, sighting: Sighting) -> None:
        if sighting.pitch_tried:
            self.pitch_tries += 1
            if self.pitch is None:
                self.pitch = sighting.pitch

    def segment(self, end: float | None) -> Segment:
        """The run as a segment: offset and speed from the fit over all its windows."""
        fitted = self.fit.slope()
        if fitted is None:
            speed, offset = self.latest.speed, self.latest.position_at(self.first)
        else:
            speed, offset = fitted, self.fit.at(self.first, fitted)
        return Segment(
            start_seconds=round(self.first, 3),
            end_seconds=None if end is None else round(end, 3),
            track_id=self.track_id,
            offset_seconds=round(max(0.0, offset), 3),
            speed=round(speed, 3),
            confidence=round(self.confidence, 4),
            pitch_semitones=self.pitch,
        )

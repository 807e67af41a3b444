"""What a fingerprinter is asked to make of some audio: one value per kind of print.

The exact lane's passes, the index and the timeline each name the prints they need with
these values, so a new pass is a new value here and in the use case that makes it, not a
new method on the Fingerprinter port and on every adapter behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.exact.fingerprint import MAX_STRETCH


class Side(StrEnum):
    """Whose settings a hash family is made with.

    The index keeps only the most prominent peaks and few hashes per anchor (a small index,
    few random hits); a query keeps denser peaks, more targets per anchor and probes its
    triplets' cell edges, so the landmarks a degraded clip shares with the reference are
    still among its own (asymmetric density).
    """

    INDEX = "index"
    QUERY = "query"
    # The last pass, for a clip the others did not settle (heavy noise, a loudspeaker in a
    # room): peaks denser still and twice the targets per anchor. Noise takes most of the
    # reference's peaks and adds its own, so the few that survive are rarely each other's
    # nearest neighbours; more pairs per anchor still joins them.
    NOISY = "noisy"


@dataclass(frozen=True, slots=True)
class LandmarkAnalysis:
    """One print: pair hashes made with `pairs`'s settings (None: no pairs) at an assumed
    playback `speed`, triplet hashes with `triplets`'s settings (None: none), pair hashes
    `tolerant` of peaks moved by one frame (about three times the lookups), and the time
    scales the matcher should fit (`stretch`; 0: one offset).

    `pitch` moves the pairs' frequencies on their own: the clip's frequencies are taken to be
    `speed * pitch` times the reference's (a tempo change with the key kept: pitch 1 / speed;
    a pitch shift with the tempo kept: speed 1), which is how a pitch is measured."""

    pairs: Side | None = Side.INDEX
    triplets: Side | None = None
    speed: float = 1.0
    tolerant: bool = False
    stretch: float = 0.0
    pitch: float = 1.0

    def __post_init__(self) -> None:
        if self.pairs is None and self.triplets is None:
            raise ValueError("an analysis makes pairs, triplets or both")
        if self.speed <= 0 or (self.triplets is not None and self.speed != 1.0):
            raise ValueError("speed must be > 0, and 1 where triplets are made (scale-free)")
        if self.tolerant and self.pairs is None:
            raise ValueError("tolerance applies to pair hashes")
        if self.pitch <= 0 or (self.triplets is not None and self.pitch != 1.0):
            raise ValueError("pitch must be > 0, and 1 where triplets are made (scale-free)")


# What the index stores for a library track: pairs and triplets, as sparse as it keeps them.
INDEXED = LandmarkAnalysis(pairs=Side.INDEX, triplets=Side.INDEX)
# The index's own pairs at one assumed speed (a stream searched at known speeds: scale-free
# triplets add chance hits there, not evidence).
INDEXED_PAIRS = LandmarkAnalysis(pairs=Side.INDEX)
# A clip that may be time-stretched or pitch-shifted: dense pairs as played plus probed
# triplets (which tempo, pitch and speed changes leave alone), aligned over a fitted slope.
STRETCHABLE = LandmarkAnalysis(pairs=Side.QUERY, triplets=Side.QUERY, stretch=MAX_STRETCH)


def dense(speed: float = 1.0, tolerant: bool = False) -> LandmarkAnalysis:
    """A query's dense pairs as if the clip were the reference played `speed` times faster
    (tempo and pitch together), so a sped-up clip still yields the reference's hashes."""
    return LandmarkAnalysis(pairs=Side.QUERY, speed=speed, tolerant=tolerant)


def noisy(speed: float = 1.0) -> LandmarkAnalysis:
    """The noise pass's pairs (Side.NOISY) as if played `speed` times faster, tolerant of
    peaks moved by a frame."""
    return LandmarkAnalysis(pairs=Side.NOISY, speed=speed, tolerant=True)


def pitched(speed: float, frequency_ratio: float, tolerant: bool = False) -> LandmarkAnalysis:
    """A query's dense pairs with its time axis `speed` times the reference's and its
    frequencies `frequency_ratio` times them: one guess at how a clip was played (rounded
    so that the same guess is the same analysis)."""
    pitch = 1.0 if frequency_ratio == speed else round(frequency_ratio / speed, 4)
    return LandmarkAnalysis(pairs=Side.QUERY, speed=speed, pitch=pitch, tolerant=tolerant)

"""Fingerprints: Chromaprint (whole-file near-duplicate detection) and landmarks (exact lane)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Chromaprint:
    """Chromaprint's raw sub-fingerprints: one 32-bit word per ~124 ms of audio."""

    words: npt.NDArray[np.uint32]

    @classmethod
    def from_ints(cls, values: list[int]) -> Chromaprint:
        return cls(np.asarray(values, dtype=np.int64).astype(np.uint32))

    def as_ints(self) -> list[int]:
        # Stored as signed int32 so that Postgres INTEGER[] can hold them.
        return [int(v) for v in self.words.astype(np.int32)]


SCALE_FREE = 1 << 31  # fingerprinters tag hashes that survive time scaling with this bit
# A stretchable query is aligned over time scales 1 - 0.12 .. 1 + 0.12: tempo +-10 %, and more.
MAX_STRETCH = 0.12


@dataclass(frozen=True, slots=True)
class LandmarkFingerprint:
    """Landmark hashes and the time (in analysis frames) at which each one starts.

    `frames` is how many analysis frames the audio spans (the chance of a random alignment
    depends on it). A query may be analysed as if it had been played `speed` times faster
    than the reference (1.02: 2 % faster); its `times` are then already mapped onto the
    reference's time axis, and `time / speed * frame_seconds` is the time inside the clip.
    A query with `stretch` > 0 holds hashes that survive time scaling (triplets); its hits
    are aligned on a line of fitted slope within 1 +- stretch instead of at one offset.
    """

    hashes: npt.NDArray[np.uint64]
    times: npt.NDArray[np.uint32]
    frame_seconds: float
    frames: int = 0
    speed: float = 1.0
    stretch: float = 0.0

    def __post_init__(self) -> None:
        if self.hashes.shape != self.times.shape:
            raise ValueError("every landmark hash needs exactly one time")
        if self.frames < 0 or self.speed <= 0 or not 0.0 <= self.stretch < 0.5:
            raise ValueError("frames must be >= 0, speed > 0 and stretch within [0, 0.5)")

    @property
    def span_frames(self) -> int:
        """Frames covered: `frames` when known, else up to the last hash."""
        last = int(self.times.max()) + 1 if len(self.times) else 0
        return max(self.frames, last)

    def __len__(self) -> int:
        return int(self.hashes.shape[0])


@dataclass(frozen=True, slots=True)
class LandmarkFraming:
    """How a fingerprinter cuts time: its frame, and how much audio decides a landmark.

    A landmark anchored at time t depends only on the audio from t - before_seconds to
    t + after_seconds (the peak's neighbourhood, the pair's target zone, for any assumed
    speed down to 0.8). So a stream fingerprinted in pieces that overlap by that much
    yields, for the anchors inside each piece, exactly the landmarks of the whole.
    """

    frame_seconds: float
    before_seconds: float
    after_seconds: float

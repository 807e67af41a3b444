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


@dataclass(frozen=True, slots=True)
class LandmarkFingerprint:
    """Landmark hashes and the time (in analysis frames) at which each one starts."""

    hashes: npt.NDArray[np.uint64]
    times: npt.NDArray[np.uint32]
    frame_seconds: float

    def __post_init__(self) -> None:
        if self.hashes.shape != self.times.shape:
            raise ValueError("every landmark hash needs exactly one time")

    def __len__(self) -> int:
        return int(self.hashes.shape[0])

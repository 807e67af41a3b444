"""How alike is "alike": a vibe match placed among the library's own pairs of passages.

A cosine similarity of 0.93 says nothing to a person, and its scale moves with the model
(a small or untrained model puts every pair of tracks near 1). So a match is read against
the library itself: the similarities of random pairs of 10 s passages taken from two
different library tracks. "More alike than 97 % of the library's pairs" keeps its meaning
whatever the model and the library.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt

MIN_PAIRS = 100  # fewer pairs than this (a tiny library) make no scale worth showing


@dataclass(frozen=True, slots=True)
class PairBaseline:
    """Sorted similarities of passage pairs from different tracks of the library."""

    similarities: npt.NDArray[np.float32]

    @property
    def usable(self) -> bool:
        return len(self.similarities) >= MIN_PAIRS

    def percentile(self, similarity: float) -> float | None:
        """Per cent of the library's pairs less alike than `similarity` (0-100), or None
        when the library is too small to say."""
        if not self.usable:
            return None
        below = int(np.searchsorted(self.similarities, np.float32(similarity), side="left"))
        return round(100.0 * below / len(self.similarities), 1)


def alike_phrase(percentile: float | None, similarity: float) -> str:
    """'more alike than 97 % of the library's pairs', or the bare cosine while the library
    is too small for a scale."""
    if percentile is None:
        return f"cosine {similarity:.2f}"
    return f"more alike than {percentile:.0f} % of the library's pairs"


def baseline_of(chunks: Sequence[tuple[UUID, npt.NDArray[np.float32]]]) -> PairBaseline:
    """Cosine similarities of every pair of sampled chunks that belong to different tracks."""
    if len(chunks) < 2:
        return PairBaseline(np.zeros(0, np.float32))
    vectors = np.stack([vector for _, vector in chunks]).astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    tracks = np.asarray([str(track_id) for track_id, _ in chunks])
    gram = vectors @ vectors.T
    rows, cols = np.triu_indices(len(chunks), k=1)
    other = tracks[rows] != tracks[cols]
    return PairBaseline(np.sort(gram[rows[other], cols[other]]))

"""The library's own pair baseline that vibe matches are read against (domain.vibe.alikeness),
sampled from the vector index and kept for a while: a few hundred random passages describe
a library of any size, and the scale only drifts as the library grows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from domain.matches import VibeMatch
from domain.ports.vector_index import VectorIndex
from domain.vibe.alikeness import PairBaseline, baseline_of

SAMPLE_CHUNKS = 600  # ~180,000 pairs: the percentile is good to a fraction of a point
MAX_AGE_SECONDS = 600.0


class LibraryAlikeness:
    """One per process: samples the index at first use and again once the sample is old."""

    def __init__(
        self,
        sample_chunks: int = SAMPLE_CHUNKS,
        max_age_seconds: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sample_chunks = sample_chunks
        self._max_age = max_age_seconds
        self._clock = clock
        self._baseline: PairBaseline | None = None
        self._taken_at = 0.0
        self._lock = asyncio.Lock()

    async def read(self, index: VectorIndex, matches: list[VibeMatch]) -> list[VibeMatch]:
        """The matches, each with where it falls among the library's pairs."""
        if not matches:
            return matches
        baseline = await self._current(index)
        return [m.with_alike_percentile(baseline.percentile(m.similarity)) for m in matches]

    async def _current(self, index: VectorIndex) -> PairBaseline:
        async with self._lock:  # concurrent searches share one sample
            if self._baseline is None or self._clock() - self._taken_at > self._max_age:
                sample = await index.sample(self._sample_chunks)
                self._baseline = await asyncio.to_thread(baseline_of, sample)
                self._taken_at = self._clock()
            return self._baseline

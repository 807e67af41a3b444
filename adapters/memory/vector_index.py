from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from uuid import UUID

import numpy as np
import numpy.typing as npt

from adapters.memory.generations import InMemoryGenerations
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch
from domain.vibe.embedding import ChunkEmbeddings


@dataclass
class _Generation:
    tracks: dict[UUID, ChunkEmbeddings] = field(default_factory=dict[UUID, ChunkEmbeddings])
    dimension: int | None = None  # fixed by the generation's first write, like a real store

    def check_dimension(self, dimension: int) -> None:
        if self.dimension is not None and dimension != self.dimension:
            raise IndexDimensionMismatch(self.dimension, dimension)


class InMemoryVectorIndex(InMemoryGenerations[_Generation]):
    """Brute-force cosine search over every stored chunk: exact, and plenty for tests.

    A rebuild fills a second generation (with its own dimension, so a model change can be
    rebuilt into) that replaces the live one at `finish_rebuild`; reads keep the live one.
    """

    def __init__(self) -> None:
        super().__init__(_Generation)
        self._rng = np.random.default_rng(0)  # samples differ call to call, runs repeat

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        state = self._target
        state.check_dimension(embeddings.dimension)
        if len(embeddings) == 0:
            state.tracks.pop(track_id, None)
            return
        state.dimension = embeddings.dimension
        state.tracks[track_id] = embeddings

    async def remove(self, track_id: UUID) -> None:
        self._target.tracks.pop(track_id, None)

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        live = self._live
        if live.dimension is None or limit <= 0:
            return []
        live.check_dimension(len(vector))
        query = vector / max(float(np.linalg.norm(vector)), 1e-12)
        hits: list[ChunkHit] = []
        for track_id, stored in live.tracks.items():
            if track_id in exclude_track_ids:
                continue
            norms = np.maximum(np.linalg.norm(stored.vectors, axis=1), 1e-12)
            similarities = stored.vectors @ query / norms
            hits.extend(
                ChunkHit(track_id, index, float(stored.offsets_seconds[index]), float(score))
                for index, score in enumerate(similarities)
            )
        hits.sort(key=lambda hit: hit.similarity, reverse=True)
        return hits[:limit]

    async def sample(self, count: int) -> list[tuple[UUID, npt.NDArray[np.float32]]]:
        chunks = [
            (track_id, row)
            for track_id, stored in self._live.tracks.items()
            for row in stored.vectors
        ]
        if count <= 0 or not chunks:
            return []
        picked = self._rng.choice(len(chunks), size=min(count, len(chunks)), replace=False)
        return [chunks[int(i)] for i in picked]

    async def chunk_count(self, track_id: UUID) -> int:
        stored = self._live.tracks.get(track_id)
        return 0 if stored is None else len(stored)

    async def track_counts(self) -> dict[UUID, int]:
        return {track: len(stored) for track, stored in self._live.tracks.items()}

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import numpy as np
import numpy.typing as npt

from domain.embedding import ChunkEmbeddings
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch


class InMemoryVectorIndex:
    """Brute-force cosine search over every stored chunk: exact, and plenty for tests."""

    def __init__(self) -> None:
        self._tracks: dict[UUID, ChunkEmbeddings] = {}
        self._dimension: int | None = None

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        self._check_dimension(embeddings.dimension)
        if len(embeddings) == 0:
            self._tracks.pop(track_id, None)
            return
        self._dimension = embeddings.dimension
        self._tracks[track_id] = embeddings

    async def remove(self, track_id: UUID) -> None:
        self._tracks.pop(track_id, None)

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        if self._dimension is None or limit <= 0:
            return []
        self._check_dimension(len(vector))
        query = vector / max(float(np.linalg.norm(vector)), 1e-12)
        hits: list[ChunkHit] = []
        for track_id, stored in self._tracks.items():
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

    async def chunk_count(self, track_id: UUID) -> int:
        stored = self._tracks.get(track_id)
        return 0 if stored is None else len(stored)

    async def clear(self) -> None:
        self._tracks.clear()
        self._dimension = None

    def _check_dimension(self, dimension: int) -> None:
        if self._dimension is not None and dimension != self._dimension:
            raise IndexDimensionMismatch(self._dimension, dimension)

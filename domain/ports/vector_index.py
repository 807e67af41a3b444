from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import numpy as np
import numpy.typing as npt

from domain.embedding import ChunkEmbeddings


@dataclass(frozen=True, slots=True)
class ChunkHit:
    """One stored chunk near the query vector."""

    track_id: UUID
    chunk_index: int
    offset_seconds: float
    similarity: float


class VectorIndex(Protocol):
    """Nearest-neighbour search over chunk embeddings (a projection of the event log)."""

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        """Store a track's chunks, replacing any it had (deterministic ids: no duplicates)."""
        ...

    async def remove(self, track_id: UUID) -> None: ...

    async def search(self, vector: npt.NDArray[np.float32], limit: int) -> list[ChunkHit]:
        """Closest chunks by cosine similarity; empty (not an error) before any write."""
        ...

    async def chunk_count(self, track_id: UUID) -> int: ...

    async def clear(self) -> None: ...

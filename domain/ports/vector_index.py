from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

import numpy as np
import numpy.typing as npt

from domain.ports.projection_store import ProjectionStore
from domain.vibe.embedding import ChunkEmbeddings


@dataclass(frozen=True, slots=True)
class ChunkHit:
    """One stored chunk near the query vector."""

    track_id: UUID
    chunk_index: int
    offset_seconds: float
    similarity: float


class IndexDimensionMismatch(ValueError):
    """Vectors of another dimension than the index holds: the model changed without a replay."""

    def __init__(self, held: int, given: int) -> None:
        super().__init__(
            f"the vector index holds {held}-d vectors, got {given}-d: "
            "after a model change, rebuild it: "
            "audio-ident outbox replay --projection embedding --from-scratch"
        )
        self.held = held
        self.given = given


class VectorIndex(ProjectionStore, Protocol):
    """Nearest-neighbour search over chunk embeddings (a projection of the event log).

    The store is created lazily by the first write, with the dimension of that write;
    vectors of another dimension raise IndexDimensionMismatch until a rebuild.
    """

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        """Store a track's chunks, replacing any it had (deterministic ids: no duplicates)."""
        ...

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        """Closest chunks by cosine similarity, best first; empty (not an error) before any write.

        Chunks of `exclude_track_ids` are filtered inside the index, so they never use up
        the `limit`.
        """
        ...

    async def sample(self, count: int) -> list[tuple[UUID, npt.NDArray[np.float32]]]:
        """Up to `count` stored chunk vectors picked at random, each with its track: what
        the library's own similarities are measured from. Empty before any write."""
        ...

    async def chunk_count(self, track_id: UUID) -> int:
        """How many chunks of the track are stored (0 when none)."""
        ...

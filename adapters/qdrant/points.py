"""One point per chunk: its deterministic id, its payload, and reading a hit back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid5

import numpy as np
import numpy.typing as npt

from domain.ports.vector_index import ChunkHit
from domain.vibe.embedding import ChunkEmbeddings

TRACK_ID = "track_id"
CHUNK_INDEX = "chunk_index"
OFFSET_SECONDS = "offset_seconds"
MODEL = "model"

# Fixed forever: changing it would make re-projection write duplicates next to old points.
_POINT_NAMESPACE = UUID("6f1d5c3e-2b8a-5e47-9c61-0a4d3b2e8f17")


@dataclass(frozen=True, slots=True)
class ChunkPoint:
    id: str
    vector: list[float]
    payload: dict[str, Any]


def point_id(track_id: UUID, chunk_index: int) -> str:
    """uuid5 of (track, chunk index): re-projecting a track overwrites its points."""
    return str(uuid5(_POINT_NAMESPACE, f"{track_id}/{chunk_index}"))


def chunk_points(track_id: UUID, embeddings: ChunkEmbeddings) -> list[ChunkPoint]:
    return [
        ChunkPoint(
            id=point_id(track_id, index),
            vector=embeddings.vectors[index].astype(float).tolist(),
            payload={
                TRACK_ID: str(track_id),
                CHUNK_INDEX: index,
                OFFSET_SECONDS: float(embeddings.offsets_seconds[index]),
                MODEL: embeddings.model,
            },
        )
        for index in range(len(embeddings))
    ]


def hit_from(payload: Mapping[str, Any] | None, score: float) -> ChunkHit:
    data = payload or {}
    return ChunkHit(
        track_id=UUID(str(data[TRACK_ID])),
        chunk_index=int(data[CHUNK_INDEX]),
        offset_seconds=float(data[OFFSET_SECONDS]),
        similarity=float(score),
    )


def sampled_chunk(
    payload: Mapping[str, Any] | None, vector: object
) -> tuple[UUID, npt.NDArray[np.float32]]:
    """A randomly sampled point as (track, vector); both Qdrant libraries return the vector
    of a single-vector collection as a plain list of floats."""
    if not isinstance(vector, list):
        raise TypeError(f"expected one unnamed vector per point, got {type(vector).__name__}")
    return UUID(str((payload or {})[TRACK_ID])), np.asarray(vector, np.float32)

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Collection
from pathlib import Path
from uuid import UUID

import numpy as np
import numpy.typing as npt
import qdrant_edge as qe

from adapters.qdrant.points import CHUNK_INDEX, MODEL, TRACK_ID, chunk_points, hit_from
from adapters.qdrant_edge.shard import EdgeIndexLocked, open_shard
from domain.embedding import ChunkEmbeddings
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch

CONFIG_FILE = "edge_config.json"


class QdrantEdgeIndex:
    """Chunk vectors in an embedded Qdrant Edge shard under `path` (no server).

    Ownership: the shard's WAL is locked by the first process that opens it, so exactly one
    process may hold this index: the one running the embedding projector and the searches
    (`serve`). Any other process that touches it gets EdgeIndexLocked (a LaneUnavailable)
    at once, never a hang. The shard is opened on first use and created on first write.

    Edge has no background optimizer: new points are searched by brute force until
    `optimize` builds the HNSW graph, which happens by itself every `optimize_every` written
    points (in the writer's thread) and can be called after a bulk load.
    """

    def __init__(
        self,
        path: Path,
        dimension: int | None = None,
        optimize_every: int = 20_000,
        search_threads: int | None = None,
    ) -> None:
        self._path = path
        self._configured_dimension = dimension
        self._optimize_every = optimize_every
        self._search_threads = search_threads
        self._shard: qe.EdgeShard | None = None
        self._dimension: int | None = None
        self._unoptimized = 0
        self._writing = asyncio.Lock()
        self._opening = asyncio.Lock()

    @property
    def path(self) -> Path:
        return self._path

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        async with self._writing:
            shard = await self._open(create_with=embeddings.dimension)
            assert shard is not None
            assert self._dimension is not None
            if embeddings.dimension != self._dimension:
                raise IndexDimensionMismatch(self._dimension, embeddings.dimension)
            points = [
                qe.Point(p.id, p.vector, p.payload) for p in chunk_points(track_id, embeddings)
            ]
            stale = _track_filter(track_id, from_chunk=len(points))
            await asyncio.to_thread(self._write, shard, points, stale)

    async def remove(self, track_id: UUID) -> None:
        async with self._writing:
            shard = await self._open()
            if shard is not None:
                operation = qe.UpdateOperation.delete_points_by_filter(_track_filter(track_id))
                await asyncio.to_thread(shard.update, operation)

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        shard = await self._open()
        if shard is None or limit <= 0:
            return []
        assert self._dimension is not None
        if len(vector) != self._dimension:
            raise IndexDimensionMismatch(self._dimension, len(vector))
        excluded = qe.Filter(
            must_not=[
                qe.FieldCondition(
                    key=TRACK_ID, match=qe.MatchAny([str(t) for t in exclude_track_ids])
                )
            ]
        )
        request = qe.QueryRequest(
            limit=limit,
            query=qe.Query.Nearest(vector.astype(float).tolist()),
            filter=excluded if exclude_track_ids else None,
            with_payload=qe.PayloadSelector.Exclude([MODEL]),
        )
        found = await asyncio.to_thread(shard.query, request)
        return [hit_from(point.payload, point.score) for point in found]

    async def chunk_count(self, track_id: UUID) -> int:
        shard = await self._open()
        if shard is None:
            return 0
        request = qe.CountRequest(exact=True, filter=_track_filter(track_id))
        return await asyncio.to_thread(shard.count, request)

    async def clear(self) -> None:
        async with self._writing:
            await self.close()
            await asyncio.to_thread(shutil.rmtree, self._path, True)

    async def optimize(self) -> None:
        """Build the HNSW index over everything written so far (blocking work, off the loop)."""
        async with self._writing:
            shard = await self._open()
            if shard is not None:
                await asyncio.to_thread(shard.optimize)
                self._unoptimized = 0

    async def close(self) -> None:
        """Flush and release the shard (and its lock); the next call reopens it."""
        shard, self._shard, self._dimension = self._shard, None, None
        if shard is not None:
            await asyncio.to_thread(_flush_and_close, shard)

    def _write(self, shard: qe.EdgeShard, points: list[qe.Point], stale: qe.Filter) -> None:
        if points:
            shard.update(qe.UpdateOperation.upsert_points(points))
        shard.update(qe.UpdateOperation.delete_points_by_filter(stale))
        self._unoptimized += len(points)
        if self._unoptimized >= self._optimize_every:
            shard.optimize()
            self._unoptimized = 0

    async def _open(self, create_with: int | None = None) -> qe.EdgeShard | None:
        async with self._opening:
            if self._shard is None:
                return await self._load_or_create(create_with)
        return self._shard

    async def _load_or_create(self, create_with: int | None) -> qe.EdgeShard | None:
        exists = (self._path / CONFIG_FILE).exists()
        if exists:
            dimension = await asyncio.to_thread(_stored_dimension, self._path)
        elif create_with is None:
            return None
        else:
            dimension = self._configured_dimension or create_with
        self._shard = await asyncio.to_thread(
            open_shard, self._path, dimension, self._search_threads, not exists
        )
        self._dimension = dimension
        return self._shard


def _stored_dimension(path: Path) -> int:
    config = json.loads((path / CONFIG_FILE).read_text())
    return int(config["vectors"][""]["size"])


def _flush_and_close(shard: qe.EdgeShard) -> None:
    shard.flush()
    shard.close()


def _track_filter(track_id: UUID, from_chunk: int | None = None) -> qe.Filter:
    conditions: list[qe.FieldCondition] = [
        qe.FieldCondition(key=TRACK_ID, match=qe.MatchValue(str(track_id)))
    ]
    if from_chunk is not None:
        conditions.append(qe.FieldCondition(key=CHUNK_INDEX, range=qe.RangeFloat(gte=from_chunk)))
    return qe.Filter(must=list(conditions))


__all__ = ["EdgeIndexLocked", "QdrantEdgeIndex"]

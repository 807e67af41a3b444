from __future__ import annotations

import asyncio
import os
from collections.abc import Collection
from pathlib import Path
from uuid import UUID

import numpy as np
import numpy.typing as npt
import qdrant_edge as qe

from adapters.qdrant.filters import excluding_tracks
from adapters.qdrant.points import (
    CHUNK_INDEX,
    MODEL,
    TRACK_ID,
    chunk_points,
    hit_from,
    sampled_chunk,
)
from adapters.qdrant_edge.disk_room import ensure_room, write_bytes
from adapters.qdrant_edge.lifecycle import ShardLifecycle
from adapters.qdrant_edge.shard import EdgeIndexBusy, EdgeIndexLocked
from adapters.system.threads import write_in_thread
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch
from domain.vibe.embedding import ChunkEmbeddings


class QdrantEdgeIndex:
    """Chunk vectors in an embedded Qdrant Edge shard under `path` (no server).

    Ownership: the shard's WAL is locked by the first process that opens it, so exactly one
    process may hold this index: the one running the embedding projector and the searches
    (`serve`). Any other process that touches it gets EdgeIndexLocked (a LaneUnavailable)
    at once, never a hang. The shard is opened on first use and created on first write.

    This class does the reads and writes; which shard they reach, rebuilds and the HNSW
    graph builds are the `shards` lifecycle's (lifecycle.py).
    """

    def __init__(
        self,
        path: Path,
        dimension: int | None = None,
        optimize_every: int = 20_000,
        search_threads: int | None = None,
        offline_wait: float = 5.0,
    ) -> None:
        self._shards = ShardLifecycle(path, dimension, optimize_every, search_threads, offline_wait)

    @property
    def path(self) -> Path:
        return self._shards.path

    @property
    def shards(self) -> ShardLifecycle:
        return self._shards

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        async with self._shards.writing(create_with=embeddings.dimension) as target:
            assert target.shard is not None
            if embeddings.dimension != target.dimension:
                raise IndexDimensionMismatch(target.dimension, embeddings.dimension)
            points = [
                qe.Point(p.id, p.vector, p.payload) for p in chunk_points(track_id, embeddings)
            ]
            stale = _track_filter(track_id, from_chunk=len(points))
            incoming = write_bytes(len(points), embeddings.dimension)
            shard = target.shard
            await write_in_thread(lambda: _write(shard, points, stale, self.path, incoming))
            target.written += len(points)

    async def remove(self, track_id: UUID) -> None:
        async with self._shards.writing() as target:
            if target.shard is not None:
                operation = qe.UpdateOperation.delete_points_by_filter(_track_filter(track_id))
                await asyncio.to_thread(ensure_room, self.path, write_bytes(1, target.dimension))
                shard = target.shard
                await write_in_thread(lambda: shard.update(operation))

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        async with self._shards.reading() as (shard, dimension):
            if shard is None or limit <= 0:
                return []
            if len(vector) != dimension:
                raise IndexDimensionMismatch(dimension, len(vector))
            request = qe.QueryRequest(
                limit=limit,
                query=qe.Query.Nearest(vector.astype(float).tolist()),
                filter=excluding_tracks(qe, exclude_track_ids),
                with_payload=qe.PayloadSelector.Exclude([MODEL]),
            )
            found = await asyncio.to_thread(shard.query, request)
        return [hit_from(point.payload, point.score) for point in found]

    async def sample(self, count: int) -> list[tuple[UUID, npt.NDArray[np.float32]]]:
        async with self._shards.reading() as (shard, _):
            if shard is None or count <= 0:
                return []
            request = qe.QueryRequest(
                limit=count,
                query=qe.Sample.Random,
                with_vector=True,
                with_payload=qe.PayloadSelector.Include([TRACK_ID]),
            )
            found = await asyncio.to_thread(shard.query, request)
        return [sampled_chunk(point.payload, point.vector) for point in found]

    async def chunk_count(self, track_id: UUID) -> int:
        async with self._shards.reading() as (shard, _):
            if shard is None:
                return 0
            request = qe.CountRequest(exact=True, filter=_track_filter(track_id))
            return await asyncio.to_thread(shard.count, request)

    async def check(self) -> None:
        # Opening proves we own the shard (a holder elsewhere raises EdgeIndexLocked) and
        # that it loads; the directory must also still take new files.
        async with self._shards.reading() as (shard, _):
            if shard is not None:
                await asyncio.to_thread(shard.info)
        await asyncio.to_thread(_check_writable, self.path)
        await asyncio.to_thread(ensure_room, self.path, 0)  # a full disk: retry, not park

    async def track_counts(self) -> dict[UUID, int]:
        async with self._shards.reading() as (shard, _):
            if shard is None:
                return {}
            return await asyncio.to_thread(_track_counts, shard)

    async def begin_rebuild(self) -> None:
        await self._shards.begin_rebuild()

    async def finish_rebuild(self) -> None:
        await self._shards.finish_rebuild()

    async def abort_rebuild(self) -> None:
        await self._shards.abort_rebuild()

    async def close(self) -> None:
        """Flush and release the shard (and its lock); the next call reopens it."""
        await self._shards.close()


def _write(
    shard: qe.EdgeShard, points: list[qe.Point], stale: qe.Filter, base: Path, incoming: int
) -> None:
    ensure_room(base, incoming)  # a write into a full disk's mapped pages is a SIGBUS
    if points:
        shard.update(qe.UpdateOperation.upsert_points(points))
    shard.update(qe.UpdateOperation.delete_points_by_filter(stale))


def _track_counts(shard: qe.EdgeShard) -> dict[UUID, int]:
    points = shard.count(qe.CountRequest(exact=True))
    if points == 0:
        return {}
    # Every track has at least one point, so `points` bounds the number of facet values.
    response = shard.facet(qe.FacetRequest(TRACK_ID, limit=points, exact=True))
    return {UUID(str(hit.value)): hit.count for hit in response.hits}


def _check_writable(base: Path) -> None:
    directory = base
    while not directory.exists() and directory != directory.parent:
        directory = directory.parent  # not created yet: where the first write will create it
    if not os.access(directory, os.W_OK):
        raise PermissionError(f"the embedded vector index at {base} is not writable")


def _track_filter(track_id: UUID, from_chunk: int | None = None) -> qe.Filter:
    conditions: list[qe.FieldCondition] = [
        qe.FieldCondition(key=TRACK_ID, match=qe.MatchValue(str(track_id)))
    ]
    if from_chunk is not None:
        conditions.append(qe.FieldCondition(key=CHUNK_INDEX, range=qe.RangeFloat(gte=from_chunk)))
    return qe.Filter(must=list(conditions))


__all__ = ["EdgeIndexBusy", "EdgeIndexLocked", "QdrantEdgeIndex"]

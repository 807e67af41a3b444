from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID

import numpy as np
import numpy.typing as npt
import qdrant_edge as qe

from adapters.qdrant.points import CHUNK_INDEX, MODEL, TRACK_ID, chunk_points, hit_from
from adapters.qdrant_edge.generations import (
    current_directory,
    discard,
    discard_orphans,
    new_generation,
    publish,
)
from adapters.qdrant_edge.shard import EdgeIndexLocked, open_shard
from adapters.qdrant_edge.slot import ShardSlot
from domain.embedding import ChunkEmbeddings
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch

CONFIG_FILE = "edge_config.json"


class QdrantEdgeIndex:
    """Chunk vectors in an embedded Qdrant Edge shard under `path` (no server).

    Ownership: the shard's WAL is locked by the first process that opens it, so exactly one
    process may hold this index: the one running the embedding projector and the searches
    (`serve`). Any other process that touches it gets EdgeIndexLocked (a LaneUnavailable)
    at once, never a hang. The shard is opened on first use and created on first write.

    Rebuilds happen in that owning process: `begin_rebuild` sends writes to a second shard
    in a new generation directory (generations.py) while searches keep the live one;
    `finish_rebuild` publishes it through the CURRENT pointer, swaps it in and deletes the
    old generation. A restart opens whatever CURRENT names.

    Edge has no background optimizer: new points are searched by brute force until
    `optimize` builds the HNSW graph, which happens by itself every `optimize_every` written
    points (in the writer's thread), after each rebuild, and can be called after a bulk load.
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
        self._live: ShardSlot | None = None  # resolved from CURRENT on first use
        self._building: ShardSlot | None = None
        self._writing = asyncio.Lock()  # writes and generation changes, one at a time
        self._opening = asyncio.Lock()

    @property
    def path(self) -> Path:
        return self._path

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        async with self._writing:
            slot = self._target()
            shard = await self._open(slot, create_with=embeddings.dimension)
            assert shard is not None and slot.dimension is not None
            if embeddings.dimension != slot.dimension:
                raise IndexDimensionMismatch(slot.dimension, embeddings.dimension)
            points = [
                qe.Point(p.id, p.vector, p.payload) for p in chunk_points(track_id, embeddings)
            ]
            stale = _track_filter(track_id, from_chunk=len(points))
            await asyncio.to_thread(self._write, slot, shard, points, stale)

    async def remove(self, track_id: UUID) -> None:
        async with self._writing:
            shard = await self._open(self._target())
            if shard is not None:
                operation = qe.UpdateOperation.delete_points_by_filter(_track_filter(track_id))
                await asyncio.to_thread(shard.update, operation)

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        async with self._reading() as (shard, dimension):
            if shard is None or limit <= 0:
                return []
            if len(vector) != dimension:
                raise IndexDimensionMismatch(dimension, len(vector))
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
        async with self._reading() as (shard, _):
            if shard is None:
                return 0
            request = qe.CountRequest(exact=True, filter=_track_filter(track_id))
            return await asyncio.to_thread(shard.count, request)

    async def check(self) -> None:
        # Opening proves we own the shard (a holder elsewhere raises EdgeIndexLocked) and
        # that it loads; the directory must also still take new files.
        async with self._reading() as (shard, _):
            if shard is not None:
                await asyncio.to_thread(shard.info)
        await asyncio.to_thread(_check_writable, self._path)

    async def track_counts(self) -> dict[UUID, int]:
        async with self._reading() as (shard, _):
            if shard is None:
                return {}
            return await asyncio.to_thread(_track_counts, shard)

    async def begin_rebuild(self) -> None:
        async with self._writing:
            await self._abort()
            # Open the live shard first: it proves this process owns the index before it
            # deletes anything (another holder raises EdgeIndexLocked here).
            await self._open(self._live_slot())
            await asyncio.to_thread(discard_orphans, self._path)
            self._building = ShardSlot(await asyncio.to_thread(new_generation, self._path))

    async def finish_rebuild(self) -> None:
        async with self._writing:
            building = self._building
            if building is None:
                raise RuntimeError("no rebuild in progress")
            if building.shard is not None:
                await asyncio.to_thread(_settle, building.shard, building.unoptimized)
                building.unoptimized = 0
            old = self._live_slot()
            await asyncio.to_thread(publish, self._path, building.directory)
            # Only now: had anything above failed, `abort_rebuild` would still find it.
            self._building = None
            self._live = building  # new searches read the rebuilt shard from here on
            await old.close()
            await asyncio.to_thread(discard, self._path, old.directory)

    async def abort_rebuild(self) -> None:
        async with self._writing:
            await self._abort()

    async def clear(self) -> None:
        async with self._writing:
            if self._building is not None:
                # Mid-rebuild: only the half-built generation is emptied.
                await self._abort()
                self._building = ShardSlot(await asyncio.to_thread(new_generation, self._path))
                return
            await self._close_live()
            await asyncio.to_thread(shutil.rmtree, self._path, True)

    async def optimize(self) -> None:
        """Build the HNSW index over everything written so far (blocking work, off the loop)."""
        async with self._writing:
            slot = self._target()
            shard = await self._open(slot)
            if shard is not None:
                await asyncio.to_thread(shard.optimize)
                slot.unoptimized = 0

    async def close(self) -> None:
        """Flush and release the shard (and its lock); the next call reopens it.

        A rebuild still in progress is thrown away: its projector is gone with the process.
        """
        async with self._writing:
            await self._abort()
            await self._close_live()

    def _live_slot(self) -> ShardSlot:
        if self._live is None:
            self._live = ShardSlot(current_directory(self._path))
        return self._live

    def _target(self) -> ShardSlot:
        return self._building or self._live_slot()

    @asynccontextmanager
    async def _reading(self) -> AsyncIterator[tuple[qe.EdgeShard | None, int]]:
        """The live shard (None before the first write) and its dimension, kept open until
        the block ends even if a rebuild is swapped in meanwhile."""
        slot = self._live_slot()
        async with slot.using():
            shard = await self._open(slot)
            yield shard, slot.dimension or 0

    async def _abort(self) -> None:
        building, self._building = self._building, None
        if building is not None:
            await building.close()
            await asyncio.to_thread(discard, self._path, building.directory)

    async def _close_live(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            await live.close()

    def _write(
        self, slot: ShardSlot, shard: qe.EdgeShard, points: list[qe.Point], stale: qe.Filter
    ) -> None:
        if points:
            shard.update(qe.UpdateOperation.upsert_points(points))
        shard.update(qe.UpdateOperation.delete_points_by_filter(stale))
        slot.unoptimized += len(points)
        if slot.unoptimized >= self._optimize_every:
            shard.optimize()
            slot.unoptimized = 0

    async def _open(self, slot: ShardSlot, create_with: int | None = None) -> qe.EdgeShard | None:
        async with self._opening:
            if slot.shard is None:
                await self._load_or_create(slot, create_with)
        return slot.shard

    async def _load_or_create(self, slot: ShardSlot, create_with: int | None) -> None:
        exists = (slot.directory / CONFIG_FILE).exists()
        if exists:
            dimension = await asyncio.to_thread(_stored_dimension, slot.directory)
        elif create_with is None:
            return
        else:
            dimension = self._configured_dimension or create_with
        slot.shard = await asyncio.to_thread(
            open_shard, slot.directory, dimension, self._search_threads, not exists
        )
        slot.dimension = dimension


def _stored_dimension(path: Path) -> int:
    config = json.loads((path / CONFIG_FILE).read_text())
    return int(config["vectors"][""]["size"])


def _settle(shard: qe.EdgeShard, unoptimized: int) -> None:
    """Make a rebuilt shard ready to serve: its graph built, its writes on disk."""
    if unoptimized:
        shard.optimize()
    shard.flush()


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


__all__ = ["EdgeIndexLocked", "QdrantEdgeIndex"]

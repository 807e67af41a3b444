from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID

import numpy as np
import numpy.typing as npt
import qdrant_edge as qe

from adapters.filesystem.generations import (
    copy_generation,
    current_directory,
    discard,
    discard_orphans,
    new_generation,
    publish,
)
from adapters.qdrant.points import CHUNK_INDEX, MODEL, TRACK_ID, chunk_points, hit_from
from adapters.qdrant_edge.optimizer import optimize_in_child
from adapters.qdrant_edge.shard import EdgeIndexBusy, EdgeIndexLocked, open_shard
from adapters.qdrant_edge.slot import ShardSlot
from domain.embedding import ChunkEmbeddings
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch

CONFIG_FILE = "edge_config.json"

log = logging.getLogger(__name__)


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
    points, before each rebuild is published, and can be called after a bulk load.

    The graph is always built in a child process (optimizer.py): the engine keeps the GIL
    for the whole build, which in this process would stop the event loop for seconds to
    minutes. The child must hold the shard itself, so:

    - a rebuild's generation, which nobody searches, is closed, built, and reopened;
    - the live generation keeps answering: it is closed just long enough to copy its
      directory into a new generation (searches meanwhile wait up to `offline_wait`
      seconds, then get EdgeIndexBusy), reopened, and the copy is built and swapped in as
      a rebuild would be. Writes wait for the whole build (they hold the write lock), so
      the live shard cannot drift from the copy; the price is the disk for a second copy.
    """

    def __init__(
        self,
        path: Path,
        dimension: int | None = None,
        optimize_every: int = 20_000,
        search_threads: int | None = None,
        offline_wait: float = 5.0,
    ) -> None:
        self._path = path
        self._configured_dimension = dimension
        self._optimize_every = optimize_every
        self._search_threads = search_threads
        self._offline_wait = offline_wait
        self._live: ShardSlot | None = None  # resolved from CURRENT on first use
        self._building: ShardSlot | None = None
        self._writing = asyncio.Lock()  # writes and generation changes, one at a time
        self._opening = asyncio.Lock()
        self._serving = asyncio.Event()  # cleared while the live shard is closed for a copy
        self._serving.set()

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
            await asyncio.to_thread(_write, shard, points, stale)
            slot.unoptimized += len(points)
            if slot.unoptimized >= self._optimize_every:
                await self._build_after_writes(slot)

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
            if (building.directory / CONFIG_FILE).exists():
                # Always, not only after unbuilt writes: a failed automatic build left none.
                await self._build_closed(building)
                shard = await self._open(building)  # loaded (so checked) before it serves
                assert shard is not None
                await asyncio.to_thread(shard.flush)
            await self._swap_in(building)

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
        """Build the HNSW index over everything written so far, in a child process."""
        async with self._writing:
            slot = self._target()
            # Opening first proves this process owns the shard before anything is copied.
            if await self._open(slot) is not None:
                await self._build(slot)

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
        await self._wait_serving()
        # No await between the gate and `using`: a build closing the shard waits for us.
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

    async def _wait_serving(self) -> None:
        """Wait out a graph build's copy of the live shard, or say the index is busy."""
        deadline = asyncio.get_running_loop().time() + self._offline_wait
        while not self._serving.is_set():
            left = deadline - asyncio.get_running_loop().time()
            try:
                await asyncio.wait_for(self._serving.wait(), max(left, 0))
            except TimeoutError:
                raise EdgeIndexBusy(self._path) from None

    async def _build_after_writes(self, slot: ShardSlot) -> None:
        """The automatic build: the write that triggered it is done and stays done, so a
        failure is logged, not raised, and retried after another `optimize_every` points."""
        try:
            await self._build(slot)
        except Exception:
            log.warning("building the vector index's search graph failed", exc_info=True)
            slot.unoptimized = 0

    async def _build(self, slot: ShardSlot) -> None:
        """Build `slot`'s HNSW graph in a child process; the caller holds `_writing`."""
        if slot is not self._live:
            await self._build_closed(slot)  # a rebuild's generation: nobody searches it
            return
        assert self._building is None  # writes go to the live shard only outside rebuilds
        await asyncio.to_thread(discard_orphans, self._path)  # a copy a crash left behind
        self._serving.clear()
        try:
            await slot.close()  # once the searches on it are done
            copy = await asyncio.to_thread(copy_generation, self._path, slot.directory)
        finally:
            self._serving.set()  # the next search reopens the live shard
        built = ShardSlot(copy)
        try:
            await self._build_closed(built)
            await self._open(built)  # loaded here, so no search waits for it after the swap
        except BaseException:
            await built.close()
            await asyncio.to_thread(discard, self._path, copy)
            raise
        await self._swap_in(built)

    async def _build_closed(self, slot: ShardSlot) -> None:
        await slot.close()  # the child takes the WAL lock; `_open` reopens the shard later
        await optimize_in_child(slot.directory)
        slot.unoptimized = 0

    async def _swap_in(self, slot: ShardSlot) -> None:
        """Publish `slot`'s generation, serve searches from it, delete the old one."""
        old = self._live_slot()
        await asyncio.to_thread(publish, self._path, slot.directory)
        # Only now: had anything above failed, `abort_rebuild` would still find it.
        if self._building is slot:
            self._building = None
        self._live = slot  # new searches read the new shard from here on
        await old.close()
        await asyncio.to_thread(discard, self._path, old.directory)

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


def _write(shard: qe.EdgeShard, points: list[qe.Point], stale: qe.Filter) -> None:
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

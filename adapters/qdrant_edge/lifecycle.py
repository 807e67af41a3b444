"""Which embedded shard serves reads and which takes writes, and how that changes safely:
rebuilds into new generations, HNSW graph builds in a child process, and the read gate."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import qdrant_edge as qe

from adapters.filesystem.generations import (
    copy_generation,
    current_directory,
    discard,
    discard_orphans,
    new_generation,
    publish,
)
from adapters.qdrant_edge.optimizer import optimize_in_child
from adapters.qdrant_edge.shard import EdgeIndexBusy, open_shard
from adapters.qdrant_edge.slot import ShardSlot

CONFIG_FILE = "edge_config.json"

log = logging.getLogger(__name__)


@dataclass
class WriteTarget:
    """The shard a write goes to (None before the first write created it) and its
    dimension; the writer adds the points it wrote to `written`."""

    shard: qe.EdgeShard | None
    dimension: int
    written: int = 0


class ShardLifecycle:
    """The generations of one embedded index under `path`, held by this process alone.

    Rebuilds: `begin_rebuild` sends writes to a second shard in a new generation directory
    (adapters/filesystem/generations.py) while reads keep the live one; `finish_rebuild`
    publishes it through the CURRENT pointer, swaps it in and deletes the old generation.
    A restart opens whatever CURRENT names.

    Edge has no background optimizer: new points are searched by brute force until the
    HNSW graph is built, which happens by itself every `optimize_every` written points,
    before each rebuild is published, and on `build_graph` (after a bulk load).

    The graph is always built in a child process (optimizer.py): the engine keeps the GIL
    for the whole build, which in this process would stop the event loop for seconds to
    minutes. The child must hold the shard itself, so:

    - a rebuild's generation, which nobody reads, is closed, built, and reopened;
    - the live generation keeps answering: it is closed just long enough to copy its
      directory into a new generation (reads meanwhile wait up to `offline_wait` seconds,
      then get EdgeIndexBusy), reopened, and the copy is built and swapped in as a rebuild
      would be. Writes wait for the whole build (they hold the write lock), so the live
      shard cannot drift from the copy; the price is the disk for a second copy.
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

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[tuple[qe.EdgeShard | None, int]]:
        """The live shard (None before the first write) and its dimension, kept open until
        the block ends even if a rebuild is swapped in meanwhile."""
        await self._wait_serving()
        # No await between the gate and `using`: a build closing the shard waits for us.
        slot = self._live_slot()
        async with slot.using():
            shard = await self._open(slot)
            yield shard, slot.dimension or 0

    @asynccontextmanager
    async def writing(self, create_with: int | None = None) -> AsyncIterator[WriteTarget]:
        """The shard writes go to (the rebuild's, during one), created with `create_with`
        dimensions if it does not exist yet; one writer at a time. Once enough points were
        written since the last graph build, the graph is built before the lock is freed."""
        async with self._writing:
            slot = self._target()
            shard = await self._open(slot, create_with)
            target = WriteTarget(shard, slot.dimension or 0)
            yield target
            slot.unoptimized += target.written
            if slot.unoptimized >= self._optimize_every:
                await self._build_after_writes(slot)

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

    async def build_graph(self) -> None:
        """Build the HNSW graph over everything written so far, in a child process (after
        a bulk load; writes trigger it by themselves every `optimize_every` points)."""
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
            live, self._live = self._live, None
            if live is not None:
                await live.close()

    def _live_slot(self) -> ShardSlot:
        if self._live is None:
            self._live = ShardSlot(current_directory(self._path))
        return self._live

    def _target(self) -> ShardSlot:
        return self._building or self._live_slot()

    async def _abort(self) -> None:
        building, self._building = self._building, None
        if building is not None:
            await building.close()
            await asyncio.to_thread(discard, self._path, building.directory)

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
            await self._build_closed(slot)  # a rebuild's generation: nobody reads it
            return
        assert self._building is None  # writes go to the live shard only outside rebuilds
        await asyncio.to_thread(discard_orphans, self._path)  # a copy a crash left behind
        self._serving.clear()
        try:
            await slot.close()  # once the reads on it are done
            copy = await asyncio.to_thread(copy_generation, self._path, slot.directory)
        finally:
            self._serving.set()  # the next read reopens the live shard
        built = ShardSlot(copy)
        try:
            await self._build_closed(built)
            await self._open(built)  # loaded here, so no read waits for it after the swap
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
        """Publish `slot`'s generation, serve reads from it, delete the old one."""
        old = self._live_slot()
        await asyncio.to_thread(publish, self._path, slot.directory)
        # Only now: had anything above failed, `abort_rebuild` would still find it.
        if self._building is slot:
            self._building = None
        self._live = slot  # new reads use the new shard from here on
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

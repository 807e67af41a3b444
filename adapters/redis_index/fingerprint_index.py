"""FingerprintIndex on Redis Cluster: the landmark index shared by every process and
machine that can reach the cluster (layout.py says what is stored where).

Consistency without cross-node transactions comes from the order of writes; each step
that must be atomic is one function call on one slot (functions.py):

- put: remove what the track had; take a new track number; write the track's record
  (what removal needs: number and hashes) *before* any posting, so a put cut short is
  still removed exactly when it is applied again; append the postings, one function
  call per hash-tag group (idempotent: a resent call adds nothing twice); then publish
  the number's row, which makes the whole track visible at once;
- remove: hide the row first (the track vanishes from every search at once), then cut
  its entries from each of its hashes, then delete its record.

A snapshot lets through only the entries of tracks visible when it opened and still
visible after it read them (snapshot.py), so a search never sees half a track. Track
numbers are never reused. Rebuilds write into a new generation that one call swaps in
(generations.py). A master past its `maxmemory` makes writes fail with `IndexFull`, as
LMDB's full disk does, and `check()` reports it until a write fits again, so the
projector parks nothing that more memory would take; any other cluster failure (a master
down, a failover, a lost connection) is `IndexUnavailable` (503), never a partial answer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from uuid import UUID

import numpy as np
import numpy.typing as npt
from redis.asyncio.cluster import RedisCluster

from adapters.redis_index.client import connect, load_functions, master_of, replicated, stored
from adapters.redis_index.errors import (
    GenerationDropped,
    cluster_errors,
    is_missing_function,
    translated,
)
from adapters.redis_index.functions import APPEND, CUT, FRESH, HIDE, LIVE, OPEN, PUBLISH, SWAP
from adapters.redis_index.generations import LEFT_OVER, drop_generation, generation_states
from adapters.redis_index.groups import GroupCommand, run_grouped
from adapters.redis_index.layout import (
    ENTRY_BYTES,
    HASH_LIMIT,
    NUMBER_LIMIT,
    Keys,
    Row,
    TrackRecord,
    check_namespace,
    field,
    number_field,
    posting_keys,
)
from adapters.redis_index.snapshot import (
    READ_ALL_BELOW_ENTRIES,
    ClusterReads,
    RedisSnapshot,
    View,
)
from domain.errors import IndexFull, IndexUnavailable
from domain.exact.empty_snapshot import EMPTY
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import distinct_entries, pack_entries
from domain.ports.fingerprint_index import IndexSnapshot

T = TypeVar("T")
log = logging.getLogger(__name__)
READ_ATTEMPTS = 3  # a search that met a generation being dropped reads the new one
CALL_SECONDS = 30.0  # one snapshot call at most: beyond every socket timeout and retry
DEFAULT_NAMESPACE = "fp"


class RedisFingerprintIndex:
    """FingerprintIndex in the Redis Cluster seeded by `url`, under `namespace`.

    Every process may read; one writes at a time (the projector, under its lock: two
    writers putting one track at once could leave one put's entries behind, unseen but
    held). Searches never see a write half done. The client connects on first use; `close()`
    waits for a generation being dropped in the background, then disconnects. Below
    `read_all_below_entries` a search reads its keys' entries in one pass (snapshot.py).
    """

    def __init__(
        self,
        url: str,
        namespace: str = DEFAULT_NAMESPACE,
        *,
        client_factory: Callable[[str], RedisCluster] = connect,
        read_all_below_entries: int = READ_ALL_BELOW_ENTRIES,
    ) -> None:
        self._url, self._connect = url, client_factory
        self._read_all_below = read_all_below_entries
        self._keys = Keys(check_namespace(namespace))
        self._client: RedisCluster | None = None
        self._functions_loaded = False
        self._opening = asyncio.Lock()
        self._building: int | None = None  # where writes go during a rebuild
        self._swept = False  # generations a dead writer left behind were looked for
        self._full: IndexFull | None = None  # why the last write did not fit
        self._drops: set[asyncio.Task[None]] = set()
        self._seen = False  # this process has opened a live generation once

    # Connection

    async def _ready(self) -> RedisCluster:
        async with self._opening:
            with cluster_errors("connecting"):
                if self._client is None:
                    client = self._connect(self._url)
                    try:
                        await client.initialize()
                    except BaseException:
                        await client.aclose()
                        raise
                    self._client = client
                if not self._functions_loaded:
                    await load_functions(self._client)
                    self._functions_loaded = True
            return self._client

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Cluster failures inside as the domain's errors (errors.py); remembers fullness."""
        try:
            yield
        except Exception as error:
            if is_missing_function(error):
                self._functions_loaded = False  # a master joined: load them there next
            domain = translated(error, doing)
            if domain is None:
                raise
            if isinstance(domain, IndexFull):
                self._full = domain
            raise domain from error

    async def _fcall(self, client: RedisCluster, name: str, keys: list[bytes], *args: Any) -> Any:
        """A function on the master of `keys` (all of one slot)."""
        return await client.execute_command(
            "FCALL", name, len(keys), *keys, *args, target_nodes=master_of(client, keys[0])
        )

    async def close(self) -> None:
        if self._drops:
            await asyncio.wait(set(self._drops), timeout=30)
        for task in self._drops:
            task.cancel()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # Writes

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint, position: int = 0) -> int:
        # One index shared by every node: one copy of the projection, nothing to bootstrap
        # from, so the position is not kept.
        if len(fingerprint) and int(fingerprint.hashes.max()) >= HASH_LIMIT:
            raise ValueError("the Redis index stores 32-bit hashes")
        client = await self._ready()
        with self._errors("writing a track"):
            stored = await self._put(client, track_id, fingerprint)
        self._full = None
        return stored

    async def _put(
        self, client: RedisCluster, track_id: UUID, fingerprint: LandmarkFingerprint
    ) -> int:
        keys = self._keys
        generation = await self._write_generation(client)
        await self._remove_in(client, generation, track_id)
        number = int(await client.hincrby(keys.root, field("next", generation), 1))  # type: ignore[misc]
        if number >= NUMBER_LIMIT:
            raise OverflowError("the Redis fingerprint index is out of track numbers (2**32)")
        hashes, values = distinct_entries(
            fingerprint.hashes.astype(np.uint64), pack_entries(number, fingerprint.times)
        )
        frames = fingerprint.span_frames
        record = TrackRecord(number, len(hashes), frames, np.unique(hashes))
        await client.set(keys.track(generation, track_id), record.encode())
        await self._append(client, generation, number, hashes, values)
        row = Row(track_id, frames, len(hashes), 0)
        await self._fcall(
            client,
            PUBLISH,
            [keys.root, keys.numbers(generation)],
            generation,
            number_field(number),
            row.encode_head(),
        )
        await replicated(client, self._keys)
        return len(hashes)

    async def _append(
        self,
        client: RedisCluster,
        generation: int,
        number: int,
        hashes: npt.NDArray[np.uint64],
        values: npt.NDArray[np.uint64],
    ) -> None:
        """The track's entries, one call per hash-tag group, all groups in one pipeline."""
        distinct, starts = np.unique(hashes, return_index=True)
        packed = values.astype(">u8").tobytes()
        bounds = [*(starts * ENTRY_BYTES).tolist(), len(packed)]
        prefixes = self._keys.group_prefixes(generation)
        commands: list[GroupCommand] = []
        for at, group_keys in posting_keys(prefixes, distinct).values():
            blocks = [packed[bounds[i] : bounds[i + 1]] for i in at.tolist()]
            whole = ("FCALL", APPEND, len(group_keys), *group_keys, number, *blocks)
            commands.append(GroupCommand(group_keys, whole, _one_append(number, blocks)))
        await run_grouped(client, commands)

    async def applied_position(self) -> int:
        return 0

    async def remove(self, track_id: UUID) -> None:
        client = await self._ready()
        with self._errors("removing a track"):
            await self._remove_in(client, await self._write_generation(client), track_id)
            # A removal lost in a failover would bring the track back.
            await replicated(client, self._keys)

    async def _remove_in(self, client: RedisCluster, generation: int, track_id: UUID) -> None:
        keys = self._keys
        raw = await client.get(keys.track(generation, track_id))
        if raw is None:
            return
        record = TrackRecord.decode(stored(raw))
        numbers = keys.numbers(generation)
        await self._fcall(
            client, HIDE, [keys.root, numbers], generation, number_field(record.number)
        )
        number = record.number
        groups = posting_keys(keys.group_prefixes(generation), record.hashes).values()
        one = _one_cut(number)
        commands = [
            GroupCommand(group_keys, ("FCALL", CUT, len(group_keys), *group_keys, number), one)
            for _, group_keys in groups
        ]
        await run_grouped(client, commands)
        await client.delete(keys.track(generation, track_id))

    async def _write_generation(self, client: RedisCluster) -> int:
        """Where writes go: the generation being rebuilt, else the live one (made if none)."""
        if not self._swept:
            self._swept = True
            await self._sweep(client, LEFT_OVER)
        if self._building is not None:
            return self._building
        return int(await self._fcall(client, LIVE, [self._keys.root]))

    # Reads

    async def read(self, work: Callable[[IndexSnapshot], T]) -> T:
        client = await self._ready()
        loop = asyncio.get_running_loop()

        def call(coroutine: Awaitable[Any]) -> Any:
            running = asyncio.run_coroutine_threadsafe(_awaited(coroutine), loop)
            try:  # bounded: a search thread never waits on a loop that stopped serving it
                return running.result(timeout=CALL_SECONDS)
            except concurrent.futures.TimeoutError as error:
                running.cancel()
                raise IndexUnavailable("the fingerprint index did not answer in time") from error

        with self._errors("searching"):
            for _ in range(READ_ATTEMPTS):
                view = await self._view(client)
                if view is None:
                    return await asyncio.to_thread(work, EMPTY)
                reads = ClusterReads(client, self._keys, view)
                snapshot = RedisSnapshot(reads, view, call, self._read_all_below)
                try:
                    return await asyncio.to_thread(work, snapshot)
                except GenerationDropped:
                    continue
        raise IndexUnavailable(
            "the fingerprint index's generation was replaced under every try of this search"
        )

    async def _view(self, client: RedisCluster) -> View | None:
        opened = await self._fcall_ro(client, OPEN, [self._keys.root])
        if opened:
            self._seen = True
            return View(*(int(v) for v in opened))
        if self._seen:
            # Nothing removes a live generation: its root gone means a master lost writes
            # (a failover) or the cluster was emptied, and an empty answer would be wrong.
            raise IndexUnavailable("the fingerprint index's root is gone from its master")
        return None

    async def _fcall_ro(self, client: RedisCluster, name: str, keys: list[bytes]) -> Any:
        return await client.execute_command(
            "FCALL_RO", name, len(keys), *keys, target_nodes=master_of(client, keys[0])
        )

    async def hash_count(self, track_id: UUID) -> int | None:
        client = await self._ready()
        keys = self._keys
        with self._errors("reading a track's count"):
            view = await self._view(client)
            if view is None:
                return None
            raw = await client.get(keys.track(view.generation, track_id))
            if raw is None:
                return None
            number = TrackRecord.decode(stored(raw)).number
            row = await client.hget(keys.numbers(view.generation), number_field(number))  # type: ignore[misc]
        if row is None:
            return None  # written but not published yet (a put under way, or cut short)
        published = Row.decode(stored(row))
        return published.entries if published.track_id == track_id else None

    async def track_counts(self) -> dict[UUID, int]:
        client = await self._ready()
        with self._errors("listing tracks"):
            view = await self._view(client)
            if view is None:
                return {}
            rows = await client.hgetall(self._keys.numbers(view.generation))  # type: ignore[misc]
        decoded = (Row.decode(stored(raw)) for raw in rows.values())
        return {row.track_id: row.entries for row in decoded}

    # Health

    async def check(self) -> None:
        client = await self._ready()
        if self._full is not None:
            raise self._full  # the last real write did not fit
        with self._errors("checking the index"):
            for node in client.get_primaries():
                info = await client.info("memory", target_nodes=node)
                limit, used = int(info.get("maxmemory", 0)), int(info.get("used_memory", 0))
                if limit and used >= limit:
                    raise IndexFull(
                        f"the fingerprint index is full: Redis master {node.name} uses {used} "
                        f"of its maxmemory of {limit} bytes; raise maxmemory or add masters"
                    )
            await client.hset(self._keys.root, "checked", 1)  # type: ignore[misc]

    # Rebuilds

    async def begin_rebuild(self) -> None:
        await self.abort_rebuild()
        client = await self._ready()
        with self._errors("starting a rebuild"):
            await self._sweep(client, (*LEFT_OVER, b"building"))
            self._building = int(await self._fcall(client, FRESH, [self._keys.root]))

    async def finish_rebuild(self) -> None:
        building, self._building = self._building, None
        if building is None:
            raise RuntimeError("no rebuild in progress")
        client = await self._ready()
        try:
            with self._errors("swapping in the rebuilt index"):
                replaced = int(await self._fcall(client, SWAP, [self._keys.root], building))
                await replicated(client, self._keys)
        except BaseException:
            self._building = building  # not swapped: the rebuild can still be aborted
            raise
        if replaced:
            self._drop_later(client, replaced)

    async def abort_rebuild(self) -> None:
        building, self._building = self._building, None
        if building is not None:
            self._drop_later(await self._ready(), building)

    async def _sweep(self, client: RedisCluster, states: tuple[bytes, ...]) -> None:
        """Drop the generations in `states` (left by a writer that died mid-way)."""
        current = await client.hget(self._keys.root, "current")  # type: ignore[misc]
        for generation, state in (await generation_states(client, self._keys)).items():
            live = current is not None and int(current) == generation
            if state in states and not live and generation != self._building:
                self._drop_later(client, generation)

    def _drop_later(self, client: RedisCluster, generation: int) -> None:
        task = asyncio.create_task(self._drop(client, generation))
        self._drops.add(task)
        task.add_done_callback(self._drops.discard)

    async def _drop(self, client: RedisCluster, generation: int) -> None:
        try:
            await drop_generation(client, self._keys, generation)
        except Exception:  # left marked: the next writer sweeps it up
            log.exception("dropping generation %d of the Redis fingerprint index", generation)

    async def settled(self) -> None:
        """Wait until the generations being dropped are gone (tests, tools)."""
        while self._drops:
            await asyncio.gather(*self._drops, return_exceptions=True)


def _one_append(number: int, blocks: list[bytes]) -> Callable[[int, bytes], tuple[Any, ...]]:
    """A group's append, for its key at `at` alone."""
    return lambda at, key: ("FCALL", APPEND, 1, key, number, blocks[at])


def _one_cut(number: int) -> Callable[[int, bytes], tuple[Any, ...]]:
    """A group's removal, for one of its keys alone."""
    return lambda at, key: ("FCALL", CUT, 1, key, number)


async def _awaited(coroutine: Awaitable[T]) -> T:
    return await coroutine

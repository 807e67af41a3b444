"""The Redis index seen by one search: what the matcher asks of an index, read from the
cluster in pipelines grouped per node.

Redis Cluster has no snapshot across nodes, so a snapshot is made consistent by the
order of writes (fingerprint_index.py) and by what it lets through:

- it opens by reading, in one atomic call on the root slot, the live generation and its
  publication sequence;
- `postings` keeps only the entries of tracks whose row (numbers hash) exists when it is
  read, after the postings, and whose publication came before the snapshot opened. A
  track's postings are all written before its row is published, and its row is hidden
  before any of its postings go, so an entry let through belongs to a track whose entries
  were all there, under every hash, while they were read: a search never sees half a
  track, nor a track published while it ran;
- the same call says whether the generation has begun to be dropped (a rebuild replaced
  it); then the snapshot is abandoned (`GenerationDropped`) and the search reads again;
- `counts` only chooses which keys to read: it may include a track being written or
  removed at that moment, as it would a moment later. In a small index it reads the keys'
  entries themselves (see READ_ALL_BELOW_ENTRIES) and `postings` takes them from there: the
  rows are still read after every entry was.

Calls block the worker thread that runs the matcher; each runs its coroutine on the
event loop that owns the cluster client.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import numpy as np
import numpy.typing as npt
from redis.asyncio.cluster import RedisCluster

from adapters.redis_index.client import master_of
from adapters.redis_index.errors import GenerationDropped
from adapters.redis_index.functions import LENGTHS, ROWS
from adapters.redis_index.groups import GroupCommand, run_grouped
from adapters.redis_index.layout import (
    ENTRY_BYTES,
    HASH_LIMIT,
    Keys,
    Row,
    number_field,
    posting_keys,
)

T = TypeVar("T")
U64 = npt.NDArray[np.uint64]
VISIBLE_STATES = (b"live", b"retired")  # retired: swapped out, not yet being dropped
# Below this many entries (LMDB's threshold too, see adapters/lmdb_index/snapshot.py) no
# key holds many, and `counts` reads every key's entries at once instead of asking each
# key's length first: one pass over the keys instead of two (sending a key costs more than
# the entries it brings back at this size). Above it, the commonest quarter of a query's
# keys, which the matcher skips, holds most of the bytes: their lengths are asked first.
READ_ALL_BELOW_ENTRIES = 20_000_000


@dataclass(frozen=True, slots=True)
class View:
    """The live generation when a snapshot opened."""

    generation: int
    seq: int  # publications up to this one are visible
    frames: int
    entries: int


class ClusterReads:
    """The snapshot's reads: one command per hash-tag group, sent to the group's master
    (groups.py: a moved slot is followed, a migrating one read key by key)."""

    def __init__(self, client: RedisCluster, keys: Keys, view: View) -> None:
        self._client, self._keys, self._view = client, keys, view
        self._prefixes = keys.group_prefixes(view.generation)

    async def lengths(self, hashes: U64) -> npt.NDArray[np.int64]:
        """Bytes held under each hash."""
        found = np.zeros(len(hashes), np.int64)
        groups = posting_keys(self._prefixes, hashes).values()
        commands = [
            GroupCommand(keys, ("FCALL_RO", LENGTHS, len(keys), *keys), _strlen)
            for _, keys in groups
        ]
        for (at, _), sizes in zip(groups, await run_grouped(self._client, commands), strict=True):
            found[at] = sizes
        return found

    async def values(self, hashes: U64) -> list[bytes | None]:
        """The packed entries under each hash (None: none)."""
        found: list[bytes | None] = [None] * len(hashes)
        groups = posting_keys(self._prefixes, hashes).values()
        commands = [GroupCommand(keys, ("MGET", *keys), _get) for _, keys in groups]
        for (at, _), got in zip(groups, await run_grouped(self._client, commands), strict=True):
            for position, value in zip(at.tolist(), got, strict=True):
                found[position] = value
        return found

    async def rows(self, numbers: list[int]) -> dict[int, bytes]:
        """The visible rows of these track numbers, undecoded (a search meets thousands
        and decodes the few it scores); raises GenerationDropped."""
        keys = self._keys
        generation = self._view.generation
        reply: list[Any] = await self._client.execute_command(
            "FCALL_RO",
            ROWS,
            2,
            keys.root,
            keys.numbers(generation),
            generation,
            *(number_field(n) for n in numbers),
            target_nodes=master_of(self._client, keys.root),
        )
        if reply[0] not in VISIBLE_STATES:
            raise GenerationDropped
        seq = self._view.seq
        return {
            n: raw
            for n, raw in zip(numbers, reply[1:], strict=True)
            if raw and Row.seq_of(raw) <= seq
        }


def _strlen(at: int, key: bytes) -> tuple[str, bytes]:
    return ("STRLEN", key)


def _get(at: int, key: bytes) -> tuple[str, bytes]:
    return ("GET", key)


class RedisSnapshot:
    """IndexSnapshot over one generation of the cluster (see the module's docstring)."""

    def __init__(
        self,
        reads: ClusterReads,
        view: View,
        call: Callable[[Awaitable[Any]], Any],
        read_all_below: int = READ_ALL_BELOW_ENTRIES,
    ) -> None:
        self._reads, self._view, self._call = reads, view, call
        self._read_all = view.entries < read_all_below
        self._early: dict[int, bytes | None] = {}  # values read by `counts`, by hash
        self._rows: dict[int, bytes | None] = {}  # raw rows of the numbers met
        self._decoded: dict[int, Row | None] = {}

    @property
    def total_frames(self) -> int:
        return self._view.frames

    def counts(self, hashes: U64) -> npt.NDArray[np.int64]:
        stored = hashes < np.uint64(HASH_LIMIT)
        counts = np.zeros(len(hashes), np.int64)
        if not stored.any():
            return counts
        if self._read_all:
            asked = hashes[stored]
            values: list[bytes | None] = self._call(self._reads.values(asked))
            self._early = dict(zip(asked.tolist(), values, strict=True))
            counts[stored] = [len(v) // ENTRY_BYTES if v else 0 for v in values]
        else:
            counts[stored] = self._call(self._reads.lengths(hashes[stored])) // ENTRY_BYTES
        return counts

    def postings(self, hashes: U64) -> tuple[U64, U64]:
        hashes = hashes[hashes < np.uint64(HASH_LIMIT)]
        found = self._values(hashes)
        sizes = np.asarray([len(v) // ENTRY_BYTES if v else 0 for v in found], np.int64)
        packed = b"".join(v for v in found if v)
        values = np.frombuffer(packed, ">u8").astype(np.uint64)
        entry_hashes = np.repeat(hashes, sizes)
        numbers = values >> np.uint64(32)
        held = np.unique(numbers).tolist()
        # Rows are read after the postings, every time (never from an earlier call): that
        # order is what keeps a half-removed track out (see the module's docstring). Read
        # even when nothing was found: nothing may be all that is left of a dropped
        # generation, and the call is what tells.
        rows = self._call(self._reads.rows(held))
        self._rows.update({n: rows.get(n) for n in held})
        self._decoded.clear()
        keep = np.isin(numbers, np.asarray(list(rows), np.uint64))
        return entry_hashes[keep], values[keep]

    def _values(self, hashes: U64) -> list[bytes | None]:
        """Each hash's packed entries: from what `counts` read, the rest read now."""
        wanted = hashes.tolist()
        missing = np.asarray([h not in self._early for h in wanted], np.bool_)
        if missing.any():
            fresh = self._call(self._reads.values(hashes[missing]))
            self._early.update(zip(hashes[missing].tolist(), fresh, strict=True))
        return [self._early[h] for h in wanted]

    def track_frames(self, number: int) -> int:
        row = self._row(number)
        return 0 if row is None else row.frames

    def track_id(self, number: int) -> UUID | None:
        row = self._row(number)
        return None if row is None else row.track_id

    def _row(self, number: int) -> Row | None:
        if number not in self._rows:  # the matcher only asks of numbers postings returned
            self._rows[number] = self._call(self._reads.rows([number])).get(number)
        if number not in self._decoded:
            raw = self._rows[number]
            self._decoded[number] = None if raw is None else Row.decode(raw)
        return self._decoded[number]

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID

import lmdb
import numpy as np

from adapters.filesystem.free_space import free_bytes
from adapters.filesystem.generations import current_directory, discard, new_generation, publish
from adapters.lmdb_index.environment import (
    DEFAULT_MAP_SIZE,
    close_environment,
    open_environment,
)
from adapters.lmdb_index.layout import (
    APPLIED,
    FRAMES,
    HASHES,
    MAX_SHIFT,
    MAX_TRACKS,
    META,
    NEXT,
    NUMBERS,
    SHIFT,
    TRACKS,
    TrackRecord,
    entry_keys,
    entry_values,
    u32,
    u64,
    unique_entries,
    value_prefix,
)
from adapters.lmdb_index.map_growth import (
    MAX_MAP_SIZE,
    ensure_room,
    gate_of,
    grow,
    is_disk_full,
    transaction,
    write_room_bytes,
)
from adapters.lmdb_index.snapshot import KEY_LIMIT, LmdbSnapshot
from adapters.system.threads import write_in_thread
from domain.errors import IndexFull
from domain.exact.empty_snapshot import EMPTY
from domain.exact.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import IndexSnapshot

T = TypeVar("T")


class LmdbFingerprintIndex:
    """FingerprintIndex in an LMDB environment at `path` (layout in layout.py).

    Writers (the fingerprint projector, one at a time under its advisory lock) open it
    writable; everything else passes `readonly=True` and sees each committed put or remove
    from its next read. Each call is one transaction, run in a worker thread. `key_shift`
    only applies when the writer creates the index: 0 (the default) keeps lookups fast at
    thousands of hours; 8 halves the size of a library under ~100 hours (see layout.py).
    """

    def __init__(
        self,
        path: Path,
        *,
        readonly: bool = False,
        key_shift: int = 0,
        map_size: int = DEFAULT_MAP_SIZE,
        max_map_size: int = MAX_MAP_SIZE,
    ) -> None:
        if not 0 <= key_shift <= MAX_SHIFT:
            raise ValueError(f"key_shift must be within 0..{MAX_SHIFT}")
        self._base = Path(path)
        self._readonly = readonly
        self._key_shift = key_shift
        self._map_size = map_size
        self._dbs: dict[Path, dict[bytes, Any]] = {}
        self._building: Path | None = None  # where writes go during a rebuild
        self._max_map_size = max(map_size, max_map_size)
        self._full: IndexFull | None = None  # why the last write did not fit

    def _shift(self, txn: lmdb.Transaction, dbs: dict[bytes, Any], *, fix: bool = False) -> int:
        """The index's key shift; `fix` (in a write transaction) records ours if none is."""
        stored = txn.get(SHIFT, db=dbs[META])
        if stored is not None:
            return int.from_bytes(stored, "big")
        if fix:
            txn.put(SHIFT, u32(self._key_shift), db=dbs[META])
            return self._key_shift
        return 0  # nothing stored yet, so any shift reads the same (empty) answer

    def _open(
        self, directory: Path | None = None
    ) -> tuple[lmdb.Environment, dict[bytes, Any]] | None:
        """The live generation (or `directory`), opened once per process."""
        directory = directory or current_directory(self._base)
        try:
            env = open_environment(directory, readonly=self._readonly, map_size=self._map_size)
        except FileNotFoundError:
            return None  # a reader before the first write: an empty index
        if directory not in self._dbs:
            try:
                self._dbs[directory] = {
                    name: env.open_db(
                        name,
                        dupsort=name == HASHES,
                        dupfixed=name == HASHES,
                        create=not self._readonly,
                    )
                    for name in (HASHES, TRACKS, NUMBERS, META)
                }
            except lmdb.NotFoundError:
                return None
        return env, self._dbs[directory]

    def _writable(self) -> tuple[lmdb.Environment, dict[bytes, Any]]:
        if self._readonly:
            raise PermissionError("this fingerprint index was opened read-only")
        opened = self._open(self._building)
        assert opened is not None
        return opened

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint, position: int = 0) -> int:
        if len(fingerprint) and int(fingerprint.hashes.max()) >= KEY_LIMIT:
            raise ValueError("the LMDB index stores 32-bit hashes")
        return await write_in_thread(lambda: self._put(track_id, fingerprint, position))

    def _put(self, track_id: UUID, fingerprint: LandmarkFingerprint, position: int) -> int:
        def work(txn: lmdb.Transaction, dbs: dict[bytes, Any]) -> int:
            stored = self._put_in(txn, dbs, track_id, fingerprint)
            # In the same transaction as the entries: a copy never claims more than it holds.
            if position > _applied(txn, dbs):
                txn.put(APPLIED, u64(position), db=dbs[META])
            return stored

        return self._write(work, len(fingerprint))

    def _write(self, work: Callable[[lmdb.Transaction, dict[bytes, Any]], T], entries: int) -> T:
        """One write transaction of about `entries` entries; a full map is grown and the
        write retried. A write that cannot fit (the map at its maximum, or the disk without
        room for it: checked first) raises IndexFull, and `check()` reports the index
        unusable until a write succeeds: the projector then parks nothing that a bigger map
        or disk would have taken."""
        env, dbs = self._writable()
        needed = write_room_bytes(entries)
        try:
            ensure_room(Path(env.path()), needed)
        except IndexFull as full:
            self._full = full
            raise
        while True:
            size = env.info()["map_size"]
            try:
                with transaction(env, write=True) as txn:
                    done = work(txn, dbs)
            except lmdb.MapFullError:
                try:
                    grow(env, gate_of(env), size, self._max_map_size)
                except IndexFull as full:
                    self._full = full
                    raise
                continue
            except lmdb.Error as error:
                # tmpfs fails a commit past its size with EIO, not ENOSPC: judge by the room.
                if not is_disk_full(error) and free_bytes(Path(env.path())) >= needed:
                    raise
                self._full = IndexFull(f"the fingerprint index's disk is full: {error}")
                raise self._full from error
            self._full = None
            return done

    def _put_in(
        self,
        txn: lmdb.Transaction,
        dbs: dict[bytes, Any],
        track_id: UUID,
        fingerprint: LandmarkFingerprint,
    ) -> int:
        self._remove_in(txn, dbs, track_id)
        shift = self._shift(txn, dbs, fix=True)
        number = int.from_bytes(txn.get(NEXT, b"\x00\x00\x00\x01", db=dbs[META]), "big")
        if number >= MAX_TRACKS:
            raise OverflowError("the LMDB fingerprint index is full (2**24 track numbers)")
        txn.put(NEXT, u32(number + 1), db=dbs[META])
        hashes = fingerprint.hashes.astype(np.uint64)
        entries = unique_entries(
            entry_keys(hashes, shift), entry_values(hashes, number, fingerprint.times, shift)
        )
        raw = entries.tobytes()
        items = [(raw[i : i + 4], raw[i + 4 : i + 12]) for i in range(0, len(raw), 12)]
        txn.cursor(db=dbs[HASHES]).putmulti(items, dupdata=True)
        frames = fingerprint.span_frames
        record = TrackRecord(number, len(entries), frames, np.unique(hashes).astype(np.uint32))
        txn.put(track_id.bytes, record.encode(), db=dbs[TRACKS])
        txn.put(u32(number), track_id.bytes + u32(frames), db=dbs[NUMBERS])
        self._add_frames(txn, dbs, frames)
        return len(entries)

    async def remove(self, track_id: UUID) -> None:
        await write_in_thread(lambda: self._remove(track_id))

    def _remove(self, track_id: UUID) -> None:
        entries = self._hash_count(track_id) or 0
        self._write(lambda txn, dbs: self._remove_in(txn, dbs, track_id), entries)

    def _remove_in(self, txn: lmdb.Transaction, dbs: dict[bytes, Any], track_id: UUID) -> None:
        raw = txn.get(track_id.bytes, db=dbs[TRACKS])
        if raw is None:
            return
        record = TrackRecord.decode(raw)
        shift = self._shift(txn, dbs)
        cursor = txn.cursor(db=dbs[HASHES])
        for value in record.hashes.tolist():
            key = u32(value >> shift)
            prefix = value_prefix(value, record.number, shift)
            if not cursor.set_range_dup(key, prefix + bytes(4)):
                continue
            while cursor.key() == key and cursor.value()[:4] == prefix:
                if not cursor.delete():
                    break
        txn.delete(track_id.bytes, db=dbs[TRACKS])
        txn.delete(u32(record.number), db=dbs[NUMBERS])
        self._add_frames(txn, dbs, -record.frames)

    @staticmethod
    def _add_frames(txn: lmdb.Transaction, dbs: dict[bytes, Any], delta: int) -> None:
        total = int.from_bytes(txn.get(FRAMES, bytes(8), db=dbs[META]), "big")
        txn.put(FRAMES, u64(max(0, total + delta)), db=dbs[META])

    async def read(self, work: Callable[[IndexSnapshot], T]) -> T:
        return await asyncio.to_thread(self._read, work)

    def _read(self, work: Callable[[IndexSnapshot], T]) -> T:
        opened = self._open()
        if opened is None:
            return work(EMPTY)  # a reader before the first write
        env, dbs = opened
        with transaction(env) as txn:
            return work(LmdbSnapshot(txn, dbs, self._shift(txn, dbs)))

    async def applied_position(self) -> int:
        return await asyncio.to_thread(self._applied_position)

    def _applied_position(self) -> int:
        opened = self._open()
        if opened is None:
            return 0
        env, dbs = opened
        with transaction(env) as txn:
            return _applied(txn, dbs)

    async def hash_count(self, track_id: UUID) -> int | None:
        return await asyncio.to_thread(self._hash_count, track_id)

    def _hash_count(self, track_id: UUID) -> int | None:
        opened = self._open()
        if opened is None:
            return None
        env, dbs = opened
        with transaction(env) as txn:
            raw = txn.get(track_id.bytes, db=dbs[TRACKS])
        return None if raw is None else TrackRecord.decode(raw).entries

    async def check(self) -> None:
        await asyncio.to_thread(self._check)

    def _check(self) -> None:
        if self._readonly:
            opened = self._open()
            if opened is not None:
                with transaction(opened[0]):
                    pass
            return
        if self._full is not None:
            raise self._full  # the last real write did not fit
        self._write(lambda txn, dbs: txn.put(b"checked", b"1", db=dbs[META]), 0)

    async def track_counts(self) -> dict[UUID, int]:
        return await asyncio.to_thread(self._track_counts)

    def _track_counts(self) -> dict[UUID, int]:
        opened = self._open()
        if opened is None:
            return {}
        env, dbs = opened
        with transaction(env) as txn:
            return {
                UUID(bytes=bytes(key)): TrackRecord.decode(value).entries
                for key, value in txn.cursor(db=dbs[TRACKS])
            }

    async def begin_rebuild(self) -> None:
        if self._readonly:
            raise PermissionError("this fingerprint index was opened read-only")
        await self.abort_rebuild()
        self._building = await asyncio.to_thread(new_generation, self._base)

    async def finish_rebuild(self) -> None:
        building, self._building = self._building, None
        if building is None:
            raise RuntimeError("no rebuild in progress")
        await asyncio.to_thread(self._publish, building)

    def _publish(self, building: Path) -> None:
        env, _ = self._writable_at(building)
        env.sync(True)
        old = current_directory(self._base)
        publish(self._base, building)
        # The old environment stays open in this process: a search may still be reading
        # it in another thread. Its files go now; the mapping lives until the process ends.
        self._dbs.pop(old, None)
        discard(self._base, old)

    def _writable_at(self, directory: Path) -> tuple[lmdb.Environment, dict[bytes, Any]]:
        opened = self._open(directory)
        assert opened is not None
        return opened

    async def abort_rebuild(self) -> None:
        building, self._building = self._building, None
        if building is not None:
            self._dbs.pop(building, None)
            await asyncio.to_thread(close_environment, building)
            await asyncio.to_thread(discard, self._base, building)


def _applied(txn: lmdb.Transaction, dbs: dict[bytes, Any]) -> int:
    return int.from_bytes(txn.get(APPLIED, bytes(8), db=dbs[META]), "big")

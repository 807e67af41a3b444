"""Growing an LMDB map when it fills, and what readers do when another process grew it.

LMDB's map size is a fixed address-space reservation: a write past it fails with
MapFullError although the disk has room. The writer then doubles the map (up to a
maximum) and retries; resizing needs every transaction of this process closed, so all of
them pass a shared gate that a resize takes exclusively. A reader in another process sees
MapResizedError at its next transaction and adopts the new size.
"""

from __future__ import annotations

import errno
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import lmdb

from adapters.filesystem.free_space import free_bytes
from domain.errors import IndexFull

MAX_MAP_SIZE = 1 << 40  # 1 TiB of address space: ~130,000 hours of audio at 8 MB/h


class Gate:
    """Many transactions at once, or one resize alone."""

    def __init__(self) -> None:
        self._free = threading.Condition()
        self._open = 0
        self._resizing = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._free:
            self._free.wait_for(lambda: not self._resizing)
            self._open += 1
        try:
            yield
        finally:
            with self._free:
                self._open -= 1
                self._free.notify_all()

    @contextmanager
    def resize(self) -> Iterator[None]:
        with self._free:
            self._free.wait_for(lambda: not self._resizing and self._open == 0)
            self._resizing = True
        try:
            yield
        finally:
            with self._free:
                self._resizing = False
                self._free.notify_all()


def grow(env: lmdb.Environment, gate: Gate, seen_size: int, max_size: int) -> None:
    """Double the map after a MapFullError (unless another thread did already)."""
    with gate.resize():
        size = env.info()["map_size"]
        if size > seen_size:
            return  # grown meanwhile
        if size >= max_size:
            raise IndexFull(
                f"the fingerprint index is full: its map is at the maximum of {max_size} bytes"
            )
        env.set_mapsize(min(max_size, size * 2))


def adopt_new_size(env: lmdb.Environment, gate: Gate) -> None:
    """After MapResizedError: another process grew the map; take its size."""
    with gate.resize():
        env.set_mapsize(0)


def is_disk_full(error: lmdb.Error) -> bool:
    return (
        isinstance(error, lmdb.DiskError)
        or f"errno {errno.ENOSPC}" in str(error).lower()
        or ("no space left" in str(error).lower())
    )


PAGE_BYTES = 4096  # LMDB's page on the platforms we run on
RESERVE_PAGES = 256  # meta, branch and freelist pages a write may copy besides its leaves


def write_room_bytes(entries: int) -> int:
    """The most a write of `entries` index entries may add to the data file: LMDB copies
    every page it touches, and in the worst case each entry touches its own leaf."""
    return (entries + RESERVE_PAGES) * PAGE_BYTES


def ensure_room(path: Path, needed: int) -> None:
    """Refuse a write the disk under `path` could not hold, before LMDB starts it: a commit
    that runs out of space fails with a bare EIO (tmpfs), and the lock file is mapped, so
    touching a new page of it on a full disk is a SIGBUS."""
    free = free_bytes(path)
    if free < needed:
        raise IndexFull(
            f"the fingerprint index's disk has {free / 2**20:.1f} MB free and the write may "
            f"need {needed / 2**20:.1f} MB; free some space (nothing was written)"
        )


_gates: dict[int, Gate] = {}
_gates_guard = threading.Lock()


def gate_of(env: lmdb.Environment) -> Gate:
    """The gate of this process's environment (one per environment, like LMDB's rule)."""
    with _gates_guard:
        return _gates.setdefault(id(env), Gate())


@contextmanager
def transaction(env: lmdb.Environment, *, write: bool = False) -> Iterator[lmdb.Transaction]:
    """A transaction through the gate; adopts a size another process grew the map to."""
    gate = gate_of(env)
    while True:
        with gate.transaction():
            try:
                txn = env.begin(write=write)
            except lmdb.MapResizedError:
                pass
            else:
                with txn:
                    yield txn
                return
        adopt_new_size(env, gate)

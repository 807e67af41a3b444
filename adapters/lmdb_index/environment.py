"""One LMDB environment per path per process (LMDB forbids opening the same one twice)."""

from __future__ import annotations

import threading
from pathlib import Path

import lmdb

DEFAULT_MAP_SIZE = 1 << 37  # 128 GiB of address space; the file only grows as data arrives
_environments: dict[str, tuple[lmdb.Environment, bool]] = {}
_guard = threading.Lock()


def open_environment(path: Path, *, readonly: bool, map_size: int = DEFAULT_MAP_SIZE):
    """The process's environment for `path`, opened on first use.

    A read-only request is served by an already opened writable environment; a writable
    request after a read-only open is refused, because LMDB cannot reopen in-process.
    Raises FileNotFoundError when a reader asks before any writer created the index.
    """
    key = str(path.resolve())
    with _guard:
        held = _environments.get(key)
        if held is not None:
            environment, writable = held
            if not readonly and not writable:
                raise RuntimeError(f"LMDB at {key} is already open read-only in this process")
            return environment
        if readonly and not (path / "data.mdb").exists():
            raise FileNotFoundError(f"no fingerprint index at {key} yet")
        if not readonly:
            path.mkdir(parents=True, exist_ok=True)
        environment = lmdb.open(
            key, map_size=map_size, max_dbs=4, readonly=readonly, readahead=False, lock=True
        )
        _environments[key] = (environment, not readonly)
        return environment


def close_environment(path: Path) -> None:
    """Close and forget the environment (tests, and tools that delete the directory)."""
    with _guard:
        held = _environments.pop(str(path.resolve()), None)
    if held is not None:
        held[0].close()

"""Generations of an on-disk index: a rebuild fills a new directory, one rename publishes it.

`base/CURRENT` names the live generation's directory; without it the index lives in `base`
itself (as first created). Used by the LMDB fingerprint index, whose readers in any process
re-resolve CURRENT before each lookup, and by the embedded Qdrant shard, whose one owning
process resolves it whenever it (re)opens the shard.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

POINTER = "CURRENT"
_PREFIX = "generation-"


def current_directory(base: Path) -> Path:
    try:
        name = (base / POINTER).read_text().strip()
    except FileNotFoundError:
        return base
    return base / name if name else base


def new_generation(base: Path) -> Path:
    directory = base / f"{_PREFIX}{uuid.uuid4().hex[:12]}"
    directory.mkdir(parents=True)
    return directory


def copy_generation(base: Path, source: Path) -> Path:
    """Copy a closed generation's shard into a new generation directory (removed again if
    the copy fails). The first generation shares `base` with the bookkeeping, left out."""

    def bookkeeping(directory: str, names: list[str]) -> list[str]:
        return [name for name in names if Path(directory) == base and _is_bookkeeping(name)]

    target = base / f"{_PREFIX}{uuid.uuid4().hex[:12]}"
    try:
        shutil.copytree(source, target, ignore=bookkeeping)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def publish(base: Path, generation: Path) -> None:
    """Atomically make `generation` the live one (write, fsync, rename, fsync the directory)."""
    pointer = base / f".{POINTER}.{uuid.uuid4().hex[:8]}"
    with pointer.open("w") as handle:
        handle.write(generation.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, base / POINTER)
    directory = os.open(base, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself must survive a power cut
    finally:
        os.close(directory)


def discard(base: Path, generation: Path) -> None:
    """Delete a generation's files (a Qdrant shard must be closed first; LMDB readers that
    still map the files keep working until they unmap them). The first generation shares
    `base` with the pointer and the other generations, which stay."""
    if generation != base:
        shutil.rmtree(generation, ignore_errors=True)
        return
    for entry in base.iterdir():
        if _is_bookkeeping(entry.name):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()


def discard_orphans(base: Path) -> None:
    """Delete generations a crashed rebuild left behind (neither live nor being built:
    only the owner of the index, holding the projection's lock, may call this)."""
    if not base.is_dir():
        return
    live = current_directory(base)
    for entry in base.iterdir():
        if entry.name.startswith(_PREFIX) and entry.is_dir() and entry != live:
            shutil.rmtree(entry, ignore_errors=True)


def _is_bookkeeping(name: str) -> bool:
    return name == POINTER or name.startswith(f".{POINTER}.") or name.startswith(_PREFIX)

"""Generations of the index: a rebuild writes a new directory, then one rename publishes it.

`base/CURRENT` names the live generation's directory; without it the index lives in
`base` itself (as first created). Readers in any process look at CURRENT before each
lookup, so a published rebuild is seen by the next query, never half-built.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from pathlib import Path

POINTER = "CURRENT"
_DATA_FILES = ("data.mdb", "lock.mdb")


def current_directory(base: Path) -> Path:
    try:
        name = (base / POINTER).read_text().strip()
    except FileNotFoundError:
        return base
    return base / name if name else base


def new_generation(base: Path) -> Path:
    directory = base / f"generation-{uuid.uuid4().hex[:12]}"
    directory.mkdir(parents=True)
    return directory


def publish(base: Path, generation: Path) -> None:
    """Atomically make `generation` the live one (write, fsync, rename)."""
    pointer = base / f".{POINTER}.{uuid.uuid4().hex[:8]}"
    with pointer.open("w") as handle:
        handle.write(generation.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, base / POINTER)


def discard(base: Path, generation: Path) -> None:
    """Delete a generation's files. Readers that still map them keep working (unlinked
    files live on until unmapped); the first generation shares `base` with the others."""
    if generation == base:
        for name in _DATA_FILES:
            with contextlib.suppress(FileNotFoundError):
                (base / name).unlink()
    else:
        shutil.rmtree(generation, ignore_errors=True)

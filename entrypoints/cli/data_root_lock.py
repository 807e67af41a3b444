"""One `serve` per data root: a lock file in it, held while the server runs.

A second `serve` on the same data root used to start silently beside the first: its
projectors waited forever on the first one's locks and the embedded vector index, which
one process alone may open, was the first's. `flock` is released by the kernel when the
holder exits, however it ends (killed too), so a stale file never blocks a restart.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "serve.lock"


class DataRootBusy(RuntimeError):
    """Another process serves this data root; the message says which and what to do."""

    def __init__(self, root: Path, pid: int | None) -> None:
        holder = f"process {pid}" if pid else "another process"
        super().__init__(
            f"{holder} is already serving the data root {root} ({root / LOCK_FILE}); "
            "stop it first, or set AUDIO_STORAGE_ROOT to another folder"
        )
        self.pid = pid


@contextmanager
def serving(root: Path) -> Iterator[None]:
    """Hold the data root's lock (its file names this process) until the block ends."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / LOCK_FILE
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by children
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataRootBusy(root, _pid_in(descriptor)) from None
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # the lock goes with the descriptor; the file may stay


def _pid_in(descriptor: int) -> int | None:
    text = os.pread(descriptor, 32, 0).decode(errors="replace").strip()
    return int(text) if text.isdigit() else None

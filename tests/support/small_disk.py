"""A small tmpfs to fill up (mounting needs root; the tests skip without it)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_disk(path: Path, megabytes: int) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path, leave_bytes: int) -> None:
    """Fill the disk until about `leave_bytes` remain."""
    with (disk / "filler").open("ab") as handle:
        while True:
            left = free(disk)
            if left <= leave_bytes:
                return
            try:
                handle.write(bytes(min(1 << 20, left - leave_bytes)))
                handle.flush()
            except OSError:
                return


def free(disk: Path) -> int:
    stats = os.statvfs(disk)
    return stats.f_bavail * stats.f_frsize

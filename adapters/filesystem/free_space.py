"""Free space on the file system that holds (or will hold) a path."""

from __future__ import annotations

import os
from pathlib import Path


def free_bytes(path: Path) -> int:
    """Bytes an unprivileged writer may still use there; a path not created yet is
    measured where it will be created."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    stats = os.statvfs(existing)
    return stats.f_bavail * stats.f_frsize

"""Room on the vector index's disk, checked before each write to the embedded shard.

The shard maps its files (the WAL's 32 MB segments, vector chunks, payload pages) and
writes through the mappings. The files are sparse: a page takes disk space only when it
is first written, and on a full file system that write is a SIGBUS that kills `serve`
instead of an error to report (issue 13 saw it on a full tmpfs). So a write goes ahead
only when the disk can hold every page the shard's files may still claim, one new file of
the largest kind the shard adds at once, and the write itself; else `VectorIndexFull`
says how much is missing, and the projector retries later instead of parking.
"""

from __future__ import annotations

import os
from pathlib import Path

from adapters.filesystem.free_space import free_bytes
from domain.errors import StorageFull

MB = 1 << 20
NEW_FILE_BYTES = 32 * MB  # a WAL segment or a vector chunk: the largest files it adds
# Measured with a 512-d shard: a new one writes 40 MB and leaves 72 MB of its files sparse.
NEW_SHARD_BYTES = 128 * MB
POINT_OVERHEAD_BYTES = 512  # payload, ids and index entries of one point, generously


class VectorIndexFull(StorageFull):
    """The vector index's disk has no room for the next write; nothing was written."""


def write_bytes(points: int, dimension: int) -> int:
    """What upserting `points` vectors may write: into the WAL, then into the segment."""
    return 2 * points * (4 * dimension + POINT_OVERHEAD_BYTES)


def ensure_room(path: Path, incoming: int) -> None:
    """Raise VectorIndexFull unless the disk under `path` can take `incoming` bytes more
    on top of every page the files there may still claim."""
    needed = _unclaimed_bytes(path) + NEW_FILE_BYTES + incoming
    _refuse_below(path, needed)


def ensure_room_for_new_shard(path: Path) -> None:
    _refuse_below(path, NEW_SHARD_BYTES)


def _refuse_below(path: Path, needed: int) -> None:
    free = free_bytes(path)
    if free < needed:
        raise VectorIndexFull(
            f"the vector index's disk has {free / MB:.1f} MB free and its next write may "
            f"need {needed / MB:.1f} MB; free some space (nothing was written)",
            {"free_bytes": free, "needed_bytes": needed},
        )


def _unclaimed_bytes(path: Path) -> int:
    """Bytes the sparse files under `path` may still take from the disk."""
    owed = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                stat = os.stat(os.path.join(root, name))
            except FileNotFoundError:
                continue  # removed meanwhile
            owed += max(0, stat.st_size - stat.st_blocks * 512)
    return owed

"""Opening the embedded shard: create with our settings, or load, and name the lock clearly."""

from __future__ import annotations

from pathlib import Path

import qdrant_edge as qe

from adapters.qdrant.points import CHUNK_INDEX, TRACK_ID
from adapters.qdrant_edge.disk_room import ensure_room_for_new_shard
from domain.errors import LaneUnavailable


class EdgeIndexLocked(LaneUnavailable):
    """Another process holds the embedded vector index (its WAL lock)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the embedded vector index at {path} is open in another process; only one "
            "process (the one running `serve`) may hold it: stop it, or set QDRANT_URL "
            "to share a Qdrant server between processes",
            {"path": str(path)},
        )


class EdgeIndexBusy(LaneUnavailable):
    """The live shard is closed for a moment while its HNSW graph is rebuilt on a copy."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            "the vector index is rebuilding its search graph; try again shortly",
            {"path": str(path)},
        )


def open_shard(
    path: Path, dimension: int, search_threads: int | None, create: bool
) -> qe.EdgeShard:
    """Create the shard at `path`, or load the one there (with `search_threads` if given)."""
    try:
        if not create:
            # Loading takes the full config or none: vectors must be restated with the threads.
            config = _config(dimension, search_threads) if search_threads else None
            return qe.EdgeShard.load(str(path), config)
        path.mkdir(parents=True, exist_ok=True)
        ensure_room_for_new_shard(path)  # its files are mapped: no room would be a SIGBUS
        shard = qe.EdgeShard.create(str(path), _config(dimension, search_threads))
    except Exception as exc:
        # The WAL is locked with a non-blocking flock: the engine reports "WouldBlock".
        if "WouldBlock" in str(exc):
            raise EdgeIndexLocked(path) from exc
        raise
    shard.update(qe.UpdateOperation.create_field_index(TRACK_ID, qe.PayloadSchemaType.Keyword))
    shard.update(qe.UpdateOperation.create_field_index(CHUNK_INDEX, qe.PayloadSchemaType.Integer))
    return shard


def _config(dimension: int, search_threads: int | None) -> qe.EdgeConfig:
    return qe.EdgeConfig(
        vectors=qe.EdgeVectorParams(size=dimension, distance=qe.Distance.Cosine),
        # Every search reads the payload of its hits; keep it cached rather than cold on disk.
        payload_memory=qe.Memory.Cached,
        max_search_threads=search_threads,
    )

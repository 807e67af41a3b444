"""Building a shard's HNSW graph in a child process, so the serving process never freezes."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

# Imports nothing of ours: the child needs only the engine, and starts in a fraction of a second.
_OPTIMIZE = (
    "import sys\n"
    "import qdrant_edge as qe\n"
    "shard = qe.EdgeShard.load(sys.argv[1])\n"
    "shard.optimize()\n"
    "shard.flush()\n"
    "shard.close()\n"
)


async def optimize_in_child(directory: Path) -> None:
    """Open the shard at `directory` in a child process, build its HNSW graph, close it.

    qdrant-edge-py 0.9's `EdgeShard.optimize` keeps the GIL for its whole run (measured on
    the 2-core VM: 31 s for 15k 512-d points, during which no other Python thread ran), so
    run in the serving process it would stop the event loop, the exact lane and HTTP with
    it, for seconds to minutes. In a child only the vector index waits.

    The caller must close its own handle on the shard first (the WAL lock admits one
    holder; the child would fail with WouldBlock) and reopen it only after this returns.
    Cancelling the awaiting task kills the child, which releases the lock.
    """
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _OPTIMIZE,
        str(directory),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, errors = await child.communicate()
    except BaseException:
        child.kill()
        await child.wait()
        raise
    if child.returncode != 0:
        reason = errors.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise RuntimeError(f"optimizing the vector index at {directory} failed: {reason[0]}")

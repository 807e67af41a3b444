"""One generation's shard in this process: opened lazily, closed only once idle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import qdrant_edge as qe


class ShardSlot:
    """A generation directory and, once opened, its shard and dimension.

    Searches run in worker threads outside the index's write lock; a rebuild that swaps
    generations must not close a shard under one of them (the engine then fails the
    call), so readers register with `using` and `close` waits for them to finish.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.shard: qe.EdgeShard | None = None
        self.dimension: int | None = None
        self.unoptimized = 0  # points written since the HNSW graph was last built
        self._users = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def using(self) -> AsyncIterator[None]:
        self._users += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._users -= 1
            if self._users == 0:
                self._idle.set()

    async def close(self) -> None:
        """Flush and release the shard (and its WAL lock) once no read is running on it."""
        await self._idle.wait()
        shard, self.shard, self.dimension = self.shard, None, None
        if shard is not None:
            await asyncio.to_thread(_flush_and_close, shard)


def _flush_and_close(shard: qe.EdgeShard) -> None:
    shard.flush()
    shard.close()

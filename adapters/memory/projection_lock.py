from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class InMemoryProjectionLock:
    """One asyncio lock per projection name (a single process's view of the advisory lock)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._held: set[str] = set()

    @asynccontextmanager
    async def hold(self, projection: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(projection, asyncio.Lock())
        async with lock:
            self._held.add(projection)
            try:
                yield
            finally:
                self._held.discard(projection)

    async def still_held(self, projection: str) -> bool:
        return projection in self._held

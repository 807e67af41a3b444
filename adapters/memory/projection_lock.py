from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class InMemoryProjectionLock:
    """One asyncio lock per projection name (a single process's view of the advisory lock)."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def hold(self, projection: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(projection, asyncio.Lock())
        async with lock:
            yield

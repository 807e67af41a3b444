from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from domain.projections.nodes import ProjectionKey


class InMemoryProjectionLock:
    """One asyncio lock per copy of a projection (a single process's view of the advisory
    lock); twins sharing one instance see each other's holds, as processes sharing Postgres."""

    def __init__(self) -> None:
        self._locks: dict[ProjectionKey, asyncio.Lock] = {}
        self._held: set[ProjectionKey] = set()

    @asynccontextmanager
    async def hold(self, projection: ProjectionKey) -> AsyncIterator[None]:
        lock = self._locks.setdefault(projection, asyncio.Lock())
        async with lock:
            self._held.add(projection)
            try:
                yield
            finally:
                self._held.discard(projection)

    async def still_held(self, projection: ProjectionKey) -> bool:
        return projection in self._held

    async def held_anywhere(self, projection: ProjectionKey) -> bool:
        return projection in self._held

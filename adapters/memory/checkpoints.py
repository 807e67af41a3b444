from __future__ import annotations

from datetime import datetime

from adapters.memory.database import InMemoryDatabase
from domain.ports.clock import Clock
from domain.projections.nodes import ProjectionKey


class InMemoryCheckpoints:
    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._pending: dict[ProjectionKey, int] = {}

    async def get(self, projection: ProjectionKey) -> int:
        if projection in self._pending:
            return self._pending[projection]
        return self._db.checkpoints.get(projection, (0, self._clock.now()))[0]

    async def save(self, projection: ProjectionKey, position: int) -> None:
        self._pending[projection] = position

    async def all(self) -> dict[ProjectionKey, tuple[int, datetime]]:
        return dict(self._db.checkpoints)

    def apply(self) -> None:
        for key, position in self._pending.items():
            self._db.checkpoints[key] = (position, self._clock.now())
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()

from __future__ import annotations

import dataclasses

from adapters.memory.database import InMemoryDatabase
from adapters.memory.staged import Staged
from domain.ports.clock import Clock
from domain.projections.nodes import ProjectionKey
from domain.projections.records import ParkedEvent


class InMemoryParkedEvents(Staged):
    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        super().__init__()
        self._db = db
        self._clock = clock

    async def park(
        self, projection: ProjectionKey, position: int, error: str, attempts: int
    ) -> None:
        parked = ParkedEvent(
            projection.name, position, error, attempts, self._clock.now(), node=projection.node
        )
        self.stage(lambda: self._db.parked.__setitem__((projection, position), parked))

    async def list(self, projection: ProjectionKey | None = None) -> list[ParkedEvent]:
        found = [p for p in self._db.parked.values() if projection in (None, p.key)]
        return sorted(found, key=lambda p: (p.position, p.projection, p.node))

    async def request_retry(
        self, projection: str | None = None, position: int | None = None, node: str | None = None
    ) -> int:
        chosen = [
            key
            for key, parked in self._db.parked.items()
            if projection in (None, parked.projection)
            and position in (None, parked.position)
            and node in (None, parked.node)
        ]

        def mark() -> None:
            for key in chosen:
                self._db.parked[key] = dataclasses.replace(
                    self._db.parked[key], retry_requested=True
                )

        self.stage(mark)
        return len(chosen)

    async def resolve(self, projection: ProjectionKey, position: int) -> None:
        self.stage(lambda: self._db.parked.pop((projection, position), None))  # type: ignore[func-returns-value]

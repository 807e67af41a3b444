from __future__ import annotations

from adapters.memory.checkpoints import InMemoryCheckpoints
from adapters.memory.database import InMemoryDatabase
from adapters.memory.event_log import InMemoryEventLog
from adapters.memory.tracks import InMemoryTrackRepository
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """Stages every write and applies all of them at commit, or none."""

    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        self._tracks = InMemoryTrackRepository(db)
        self._events = InMemoryEventLog(db, clock)
        self._checkpoints = InMemoryCheckpoints(db, clock)
        self.tracks = self._tracks
        self.events = self._events
        self.checkpoints = self._checkpoints

    async def commit(self) -> None:
        self._tracks.apply()
        self._events.apply()
        self._checkpoints.apply()

    async def rollback(self) -> None:
        self._tracks.discard()
        self._events.discard()
        self._checkpoints.discard()


class InMemoryUnitOfWorkFactory:
    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        self.db = db
        self._clock = clock

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.db, self._clock)

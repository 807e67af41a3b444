from __future__ import annotations

from adapters.memory.checkpoints import InMemoryCheckpoints
from adapters.memory.database import InMemoryDatabase
from adapters.memory.event_log import InMemoryEventLog
from adapters.memory.parked_events import InMemoryParkedEvents
from adapters.memory.projection_receipts import InMemoryProjectionReceipts
from adapters.memory.replay_requests import InMemoryReplayRequests
from adapters.memory.tracks import InMemoryTrackRepository
from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork


class InMemoryUnitOfWork(UnitOfWork):
    """Stages every write and applies all of them at commit, or none."""

    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        self._tracks = InMemoryTrackRepository(db)
        self._events = InMemoryEventLog(db, clock)
        self._checkpoints = InMemoryCheckpoints(db, clock)
        self._parked = InMemoryParkedEvents(db, clock)
        self._receipts = InMemoryProjectionReceipts(db)
        self._replays = InMemoryReplayRequests(db, clock)
        self.tracks = self._tracks
        self.events = self._events
        self.checkpoints = self._checkpoints
        self.parked = self._parked
        self.receipts = self._receipts
        self.replays = self._replays

    async def commit(self) -> None:
        self._tracks.apply()
        self._events.apply()
        self._checkpoints.apply()
        for store in (self._parked, self._receipts, self._replays):
            store.apply()

    async def rollback(self) -> None:
        self._tracks.discard()
        self._events.discard()
        self._checkpoints.discard()
        for store in (self._parked, self._receipts, self._replays):
            store.discard()


class InMemoryUnitOfWorkFactory:
    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        self.db = db
        self._clock = clock

    def __call__(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.db, self._clock)

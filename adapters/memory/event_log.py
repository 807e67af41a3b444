from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from adapters.memory.database import InMemoryDatabase
from domain.events import DomainEvent, StoredEvent
from domain.ports.clock import Clock


class InMemoryEventLog:
    """Appends become visible, in order, when the unit of work commits."""

    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._pending: list[DomainEvent] = []

    async def append(self, event: DomainEvent) -> None:
        self._pending.append(event)

    async def read_after(self, position: int, limit: int) -> list[StoredEvent]:
        return [e for e in self._db.events if e.position > position][:limit]

    async def last_position_of(
        self, track_id: UUID, types: Collection[str] | None = None
    ) -> int | None:
        positions = [e.position for e in self._of(types) if e.event.track_id == track_id]
        return positions[-1] if positions else None

    async def latest_positions(self, types: Collection[str] | None = None) -> dict[UUID, int]:
        return {e.event.track_id: e.position for e in self._of(types)}

    def _of(self, types: Collection[str] | None) -> list[StoredEvent]:
        events = self._db.events
        return events if types is None else [e for e in events if e.event.type_name in types]

    async def head(self) -> int:
        return self._db.events[-1].position if self._db.events else 0

    def apply(self) -> None:
        for event in self._pending:
            position = len(self._db.events) + 1
            self._db.events.append(StoredEvent(position, self._clock.now(), event))
        if self._pending:
            self._db.announce_events()
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()

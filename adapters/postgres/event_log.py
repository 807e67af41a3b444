from __future__ import annotations

from collections.abc import Collection
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.locks import CATALOG_LOCK
from adapters.postgres.tables import events
from domain.events import DomainEvent, StoredEvent, event_from_payload


class PostgresEventLog:
    """The `events` table. A trigger NOTIFYs listeners when an append commits."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def append(self, event: DomainEvent) -> None:
        # The lock is held until commit, so no later position can become visible before
        # this one: a reader that moved past N never misses an event committing late.
        await self._conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK})
        await self._conn.execute(
            insert(events).values(
                type=event.type_name, aggregate_id=event.track_id, payload=event.payload()
            )
        )

    async def read_after(self, position: int, limit: int) -> list[StoredEvent]:
        query = select(events).where(events.c.position > position).order_by(events.c.position)
        rows = await self._conn.execute(query.limit(limit))
        return [
            StoredEvent(row.position, row.created_at, event_from_payload(row.type, row.payload))
            for row in rows
        ]

    async def last_position_of(
        self, track_id: UUID, types: Collection[str] | None = None
    ) -> int | None:
        query = select(func.max(events.c.position)).where(
            events.c.aggregate_id == track_id, _of(types)
        )
        return (await self._conn.execute(query)).scalar_one_or_none()

    async def latest_positions(self, types: Collection[str] | None = None) -> dict[UUID, int]:
        newest = func.max(events.c.position)
        rows = await self._conn.execute(
            select(events.c.aggregate_id, newest).where(_of(types)).group_by(events.c.aggregate_id)
        )
        return {row.aggregate_id: row[1] for row in rows}

    async def head(self) -> int:
        result = await self._conn.execute(select(func.coalesce(func.max(events.c.position), 0)))
        return int(result.scalar_one())


def _of(types: Collection[str] | None) -> Any:
    return true() if types is None else events.c.type.in_(sorted(types))

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.tables import parked_events as table
from domain.projections.nodes import ProjectionKey
from domain.projections.records import ParkedEvent


class PostgresParkedEvents:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def park(
        self, projection: ProjectionKey, position: int, error: str, attempts: int
    ) -> None:
        row = {
            "projection": projection.name,
            "node": projection.node,
            "position": position,
            "error": error,
            "attempts": attempts,
        }
        statement = insert(table).values(**row, parked_at=func.now())
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.projection, table.c.node, table.c.position],
                set_={
                    "error": statement.excluded.error,
                    "attempts": statement.excluded.attempts,
                    "parked_at": func.now(),
                    "retry_requested_at": None,
                },
            )
        )

    async def list(self, projection: ProjectionKey | None = None) -> list[ParkedEvent]:
        query = select(table).order_by(table.c.position, table.c.projection, table.c.node)
        if projection is not None:
            query = query.where(
                table.c.projection == projection.name, table.c.node == projection.node
            )
        return [
            ParkedEvent(
                row.projection,
                row.position,
                row.error,
                row.attempts,
                row.parked_at,
                row.retry_requested_at is not None,
                row.node,
            )
            for row in await self._conn.execute(query)
        ]

    async def request_retry(
        self, projection: str | None = None, position: int | None = None, node: str | None = None
    ) -> int:
        statement = update(table).values(retry_requested_at=func.now())
        if projection is not None:
            statement = statement.where(table.c.projection == projection)
        if position is not None:
            statement = statement.where(table.c.position == position)
        if node is not None:
            statement = statement.where(table.c.node == node)
        return (await self._conn.execute(statement)).rowcount

    async def resolve(self, projection: ProjectionKey, position: int) -> None:
        await self._conn.execute(
            table.delete().where(
                table.c.projection == projection.name,
                table.c.node == projection.node,
                table.c.position == position,
            )
        )

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.tables import projection_receipts as table
from domain.projections.nodes import ProjectionKey


def _of(projection: ProjectionKey) -> ColumnElement[bool]:
    return (table.c.projection == projection.name) & (table.c.node == projection.node)


class PostgresProjectionReceipts:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def record(
        self, projection: ProjectionKey, track_id: UUID, items: int | None, position: int
    ) -> None:
        if items is None:
            await self._conn.execute(
                table.delete().where(_of(projection), table.c.track_id == track_id)
            )
            return
        statement = insert(table).values(
            projection=projection.name,
            node=projection.node,
            track_id=track_id,
            items=items,
            position=position,
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.projection, table.c.node, table.c.track_id],
                set_={
                    "items": statement.excluded["items"],
                    "position": statement.excluded.position,
                },
            )
        )

    async def for_projection(self, projection: ProjectionKey) -> dict[UUID, int]:
        query = select(table.c.track_id, table.c["items"]).where(_of(projection))
        return {row.track_id: row.items for row in await self._conn.execute(query)}

    async def clear(self, projection: ProjectionKey) -> None:
        await self._conn.execute(table.delete().where(_of(projection)))

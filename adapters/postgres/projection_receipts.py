from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.tables import projection_receipts as table


class PostgresProjectionReceipts:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def record(
        self, projection: str, track_id: UUID, items: int | None, position: int
    ) -> None:
        key = (table.c.projection == projection) & (table.c.track_id == track_id)
        if items is None:
            await self._conn.execute(table.delete().where(key))
            return
        statement = insert(table).values(
            projection=projection, track_id=track_id, items=items, position=position
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.projection, table.c.track_id],
                set_={
                    "items": statement.excluded["items"],
                    "position": statement.excluded.position,
                },
            )
        )

    async def for_projection(self, projection: str) -> dict[UUID, int]:
        query = select(table.c.track_id, table.c["items"]).where(table.c.projection == projection)
        return {row.track_id: row.items for row in await self._conn.execute(query)}

    async def clear(self, projection: str) -> None:
        await self._conn.execute(table.delete().where(table.c.projection == projection))

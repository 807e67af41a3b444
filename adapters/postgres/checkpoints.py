from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.tables import projection_checkpoints as table
from domain.projections.nodes import ProjectionKey


class PostgresCheckpoints:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def get(self, projection: ProjectionKey) -> int:
        query = select(table.c.position).where(
            table.c.name == projection.name, table.c.node == projection.node
        )
        return int((await self._conn.execute(query)).scalar_one_or_none() or 0)

    async def save(self, projection: ProjectionKey, position: int) -> None:
        statement = insert(table).values(
            name=projection.name, node=projection.node, position=position, updated_at=func.now()
        )
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.name, table.c.node],
                set_={"position": statement.excluded.position, "updated_at": func.now()},
            )
        )

    async def all(self) -> dict[ProjectionKey, tuple[int, datetime]]:
        rows = await self._conn.execute(select(table))
        return {ProjectionKey(row.name, row.node): (row.position, row.updated_at) for row in rows}

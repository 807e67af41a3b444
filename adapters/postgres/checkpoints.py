from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.tables import projection_checkpoints as table


class PostgresCheckpoints:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def get(self, projection: str) -> int:
        query = select(table.c.position).where(table.c.name == projection)
        return int((await self._conn.execute(query)).scalar_one_or_none() or 0)

    async def save(self, projection: str, position: int) -> None:
        statement = insert(table).values(name=projection, position=position, updated_at=func.now())
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=[table.c.name],
                set_={"position": statement.excluded.position, "updated_at": func.now()},
            )
        )

    async def all(self) -> dict[str, tuple[int, datetime]]:
        rows = await self._conn.execute(select(table))
        return {row.name: (row.position, row.updated_at) for row in rows}

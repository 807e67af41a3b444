from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.tables import replay_requests as table
from domain.projections.nodes import ProjectionKey
from domain.projections.records import ReplayRequest


def _request(row: Any) -> ReplayRequest:
    return ReplayRequest(**dict(row._mapping))


class PostgresReplayRequests:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def request(self, projection: ProjectionKey) -> int:
        waiting = await self.pending(projection)
        if waiting is not None:
            return waiting.id
        created = await self._conn.execute(
            insert(table)
            .values(projection=projection.name, node=projection.node)
            .returning(table.c.id)
        )
        return int(created.scalar_one())

    async def get(self, request_id: int) -> ReplayRequest | None:
        row = (await self._conn.execute(select(table).where(table.c.id == request_id))).first()
        return _request(row) if row else None

    async def pending(self, projection: ProjectionKey) -> ReplayRequest | None:
        query = (
            select(table)
            .where(
                table.c.projection == projection.name,
                table.c.node == projection.node,
                table.c.finished_at.is_(None),
            )
            .order_by(table.c.id)
            .limit(1)
        )
        row = (await self._conn.execute(query)).first()
        return _request(row) if row else None

    async def progress(self, request_id: int, position: int, target: int) -> None:
        await self._conn.execute(
            update(table)
            .where(table.c.id == request_id)
            .values(
                started_at=func.coalesce(table.c.started_at, func.now()),
                progress_position=position,
                target_position=target,
            )
        )

    async def finish(self, request_id: int, error: str | None = None) -> None:
        await self._conn.execute(
            update(table)
            .where(table.c.id == request_id)
            .values(finished_at=func.now(), error=error)
        )

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.locks import advisory_key


class PostgresProjectionLock:
    """A session-level advisory lock per projection, held on a dedicated connection.

    Postgres releases it if the holder dies (its connection closes), so a crashed worker
    never blocks the next one for good.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @asynccontextmanager
    async def hold(self, projection: str) -> AsyncIterator[None]:
        key = {"key": advisory_key(f"projection:{projection}")}
        async with self._engine.connect() as conn:
            # Autocommit: waiting and holding must not keep a transaction open.
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
            try:
                yield
            finally:
                if not conn.closed and not conn.invalidated:
                    await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)

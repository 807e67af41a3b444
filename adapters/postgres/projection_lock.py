from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.postgres.locks import advisory_key
from adapters.postgres.outage import outages_said_plainly


class PostgresProjectionLock:
    """A session-level advisory lock per projection, held on a dedicated connection.

    Postgres releases it if the holder dies (its connection closes), so a crashed worker
    never blocks the next one for good.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._holding: dict[str, AsyncConnection] = {}

    @asynccontextmanager
    async def hold(self, projection: str) -> AsyncIterator[None]:
        key = {"key": advisory_key(f"projection:{projection}")}
        async with outages_said_plainly():
            conn = await self._engine.connect()
        try:
            # Autocommit: waiting and holding must not keep a transaction open.
            async with outages_said_plainly():
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("SELECT pg_advisory_lock(:key)"), key)
            self._holding[projection] = conn
            try:
                yield
            finally:
                self._holding.pop(projection, None)
                # A lost session released the lock already; nothing to unlock then.
                with contextlib.suppress(Exception):
                    await conn.execute(text("SELECT pg_advisory_unlock(:key)"), key)
        finally:
            with contextlib.suppress(Exception):
                await conn.close()

    async def still_held(self, projection: str) -> bool:
        conn = self._holding.get(projection)
        if conn is None or conn.closed or conn.invalidated:
            return False
        try:
            async with asyncio.timeout(5):
                await conn.execute(text("SELECT 1"))  # the session, and so its lock, lives
        except Exception:
            return False
        return True

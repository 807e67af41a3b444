from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.postgres.locks import advisory_key
from adapters.postgres.outage import outages_said_plainly
from domain.projections.nodes import ProjectionKey

_HELD = text(
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND classid::bigint = :high AND objid::bigint = :low AND objsubid = 1)"
)


def _lock_key(projection: ProjectionKey) -> int:
    return advisory_key(f"projection:{projection.name}@{projection.node}")


class PostgresProjectionLock:
    """A session-level advisory lock per copy of a projection (per node), held on a
    dedicated connection.

    Postgres releases it if the holder dies (its connection closes), so a crashed worker
    never blocks the next one for good.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._holding: dict[ProjectionKey, AsyncConnection] = {}

    @asynccontextmanager
    async def hold(self, projection: ProjectionKey) -> AsyncIterator[None]:
        key = {"key": _lock_key(projection)}
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

    async def held_anywhere(self, projection: ProjectionKey) -> bool:
        # pg_locks shows a 64-bit advisory key as two unsigned 32-bit halves.
        unsigned = _lock_key(projection) & 0xFFFF_FFFF_FFFF_FFFF
        halves = {"high": unsigned >> 32, "low": unsigned & 0xFFFF_FFFF}
        async with outages_said_plainly(), self._engine.connect() as conn:
            return bool((await conn.execute(_HELD, halves)).scalar_one())

    async def still_held(self, projection: ProjectionKey) -> bool:
        conn = self._holding.get(projection)
        if conn is None or conn.closed or conn.invalidated:
            return False
        try:
            async with asyncio.timeout(5):
                await conn.execute(text("SELECT 1"))  # the session, and so its lock, lives
        except Exception:
            return False
        return True

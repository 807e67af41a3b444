from __future__ import annotations

import contextlib
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from adapters.postgres.checkpoints import PostgresCheckpoints
from adapters.postgres.event_log import PostgresEventLog
from adapters.postgres.outage import is_outage, outages_said_plainly, unavailable
from adapters.postgres.parked_events import PostgresParkedEvents
from adapters.postgres.projection_receipts import PostgresProjectionReceipts
from adapters.postgres.replay_requests import PostgresReplayRequests
from adapters.postgres.tracks import PostgresTrackRepository
from domain.errors import DatabaseUnavailable
from domain.ports.unit_of_work import UnitOfWork


class PostgresUnitOfWork(UnitOfWork):
    """One connection and one transaction, opened on enter and closed on exit."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._tx: AsyncTransaction | None = None

    async def __aenter__(self) -> Self:
        async with outages_said_plainly():
            self._conn = await self._engine.connect()
            self._tx = await self._conn.begin()
        self.tracks = PostgresTrackRepository(self._conn)
        self.events = PostgresEventLog(self._conn)
        self.checkpoints = PostgresCheckpoints(self._conn)
        self.parked = PostgresParkedEvents(self._conn)
        self.receipts = PostgresProjectionReceipts(self._conn)
        self.replays = PostgresReplayRequests(self._conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.rollback()
        except Exception as error:
            if not is_outage(error):
                raise
        finally:
            if self._conn is not None:
                with contextlib.suppress(Exception):  # a dead connection: nothing to close
                    await self._conn.close()
                self._conn = None
        # An outage inside the block (a query on a lost connection) is said as such.
        if exc is not None and not isinstance(exc, DatabaseUnavailable) and is_outage(exc):
            raise unavailable(exc) from exc

    async def commit(self) -> None:
        if self._tx is not None and self._tx.is_active:
            async with outages_said_plainly(connecting=False):
                await self._tx.commit()

    async def rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            await self._tx.rollback()


class PostgresUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def __call__(self) -> PostgresUnitOfWork:
        return PostgresUnitOfWork(self._engine)

"""Postgres: the tracks, the event log and its bookkeeping, accounts, and the locks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import NewType

from dishka import Provider, Scope, provide
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.embedded_postgres.server import start_embedded_postgres
from adapters.postgres.engine import asyncpg_dsn, create_engine
from adapters.postgres.event_notifier import PostgresEventNotifier
from adapters.postgres.migrate import upgrade_to_head
from adapters.postgres.projection_lock import PostgresProjectionLock
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.postgres.users import PostgresUserRepository
from domain.ports.event_notifier import EventNotifier
from domain.ports.projection_lock import ProjectionLock
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.ports.users import UserRepository
from entrypoints.settings import Settings

DatabaseUrl = NewType("DatabaseUrl", str)


class DatabaseProvider(Provider):
    scope = Scope.APP

    @provide
    async def url(self, settings: Settings) -> DatabaseUrl:
        """DATABASE_URL when set, else the embedded server; migrated before first use."""
        url = settings.database_url or await start_embedded_postgres(settings.embedded_postgres_dir)
        await upgrade_to_head(url)
        return DatabaseUrl(url)

    @provide
    async def engine(self, url: DatabaseUrl) -> AsyncIterator[AsyncEngine]:
        engine = create_engine(url)
        yield engine
        await engine.dispose()

    @provide
    async def notifier(self, url: DatabaseUrl) -> AsyncIterator[EventNotifier]:
        notifier = PostgresEventNotifier(asyncpg_dsn(url))
        yield notifier
        await notifier.close()

    uow = provide(PostgresUnitOfWorkFactory, provides=UnitOfWorkFactory)
    users = provide(PostgresUserRepository, provides=UserRepository)
    lock = provide(PostgresProjectionLock, provides=ProjectionLock)

"""Alembic environment: runs migrations over the async engine, one process at a time."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.postgres.engine import sqlalchemy_url
from adapters.postgres.locks import advisory_key
from adapters.postgres.tables import metadata

MIGRATION_LOCK = advisory_key("migrations")


def _run(connection: Connection) -> None:
    # Several processes may start at once (ingest, worker, serve): one migrates, the
    # others wait here and then find nothing left to do.
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
    try:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        connection.commit()


def _database_url() -> str:
    # The service migrates through adapters/postgres/migrate.py, which passes the database
    # its settings chose (a server's, or the embedded one's) as sqlalchemy.url. alembic.ini
    # names none, so only a developer running `alembic` by hand reaches DATABASE_URL here.
    configured = context.config.get_main_option("sqlalchemy.url")
    if configured:
        return configured
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("set DATABASE_URL to run alembic by hand")
    return sqlalchemy_url(os.environ["DATABASE_URL"])


async def _run_online() -> None:
    engine = create_async_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())

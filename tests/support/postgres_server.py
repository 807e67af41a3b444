"""The Postgres that tests run against: AUDIO_IDENT_TEST_DATABASE_URL, else an embedded one."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from adapters.embedded_postgres.server import start_embedded_postgres
from adapters.postgres.engine import asyncpg_dsn
from adapters.postgres.migrate import upgrade_to_head

# One embedded cluster reused by every test run (each test still gets its own database).
EMBEDDED_TEST_SERVER = Path("/var/tmp/audio-ident-test-postgres")


class DatabaseFactory:
    """Migrates one template database, then clones a fresh database for each test."""

    def __init__(self, server_url: str) -> None:
        self._server_url = server_url
        self._template = f"audio_ident_template_{uuid.uuid4().hex[:8]}"

    @classmethod
    async def start(cls) -> DatabaseFactory:
        url = os.environ.get("AUDIO_IDENT_TEST_DATABASE_URL") or await start_embedded_postgres(
            EMBEDDED_TEST_SERVER
        )
        databases = cls(url)
        await databases._admin(f'CREATE DATABASE "{databases._template}"')
        await upgrade_to_head(databases.url_of(databases._template))
        return databases

    def url_of(self, database: str) -> str:
        url = make_url(self._server_url).set(database=database)
        return url.render_as_string(hide_password=False)

    async def create(self) -> str:
        name = f"audio_ident_test_{uuid.uuid4().hex[:12]}"
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        return self.url_of(name)

    async def drop(self, url: str) -> None:
        name = make_url(url).database
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def close(self) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{self._template}" WITH (FORCE)')

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(asyncpg_dsn(self._server_url))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

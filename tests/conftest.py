"""Shared fixtures: a real Postgres per test, real adapters, and their in-memory twins."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory.clock import FixedClock
from adapters.memory.database import InMemoryDatabase
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.postgres.engine import create_engine
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from tests.postgres_server import DatabaseFactory


@pytest.fixture(scope="session")
async def databases() -> AsyncIterator[DatabaseFactory]:
    databases = await DatabaseFactory.start()
    yield databases
    await databases.close()


@pytest.fixture
async def database_url(databases: DatabaseFactory) -> AsyncIterator[str]:
    url = await databases.create()
    yield url
    await databases.drop(url)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def memory_db() -> InMemoryDatabase:
    return InMemoryDatabase()


@pytest.fixture(params=["memory", "postgres"])
def uow_factory(
    request: pytest.FixtureRequest, memory_db: InMemoryDatabase, clock: FixedClock
) -> InMemoryUnitOfWorkFactory | PostgresUnitOfWorkFactory:
    """The unit of work under contract: the in-memory twin and the real Postgres one."""
    if request.param == "memory":
        return InMemoryUnitOfWorkFactory(memory_db, clock)
    return PostgresUnitOfWorkFactory(request.getfixturevalue("engine"))


@pytest.fixture
def audio_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "audio"
    folder.mkdir()
    return folder

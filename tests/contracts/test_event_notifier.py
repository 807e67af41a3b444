"""Contract of EventNotifier: a commit that appends events wakes a waiting projector."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from adapters.memory.event_notifier import InMemoryEventNotifier
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.postgres.engine import asyncpg_dsn
from adapters.postgres.event_notifier import PostgresEventNotifier
from domain.events import TrackIngested
from domain.ports.event_notifier import EventNotifier
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


@pytest.fixture
async def notifier(
    uow_factory: UnitOfWorkFactory, request: pytest.FixtureRequest
) -> AsyncIterator[EventNotifier]:
    if isinstance(uow_factory, InMemoryUnitOfWorkFactory):
        yield InMemoryEventNotifier(uow_factory.db)
        return
    listener = PostgresEventNotifier(asyncpg_dsn(request.getfixturevalue("database_url")))
    yield listener
    await listener.close()


async def _append_one(uow_factory: UnitOfWorkFactory, commit: bool) -> None:
    async with uow_factory() as uow:
        await uow.events.append(TrackIngested(uuid.uuid4(), "k", 5.0))
        if commit:
            await uow.commit()


async def test_commit_wakes_the_waiter(
    uow_factory: UnitOfWorkFactory, notifier: EventNotifier
) -> None:
    assert await notifier.wait(0.05) is False  # nothing yet: times out
    waiting = asyncio.create_task(notifier.wait(10))
    await asyncio.sleep(0.1)
    await _append_one(uow_factory, commit=True)
    assert await asyncio.wait_for(waiting, 5) is True


async def test_rolled_back_appends_wake_nobody(
    uow_factory: UnitOfWorkFactory, notifier: EventNotifier
) -> None:
    await notifier.wait(0.05)
    await _append_one(uow_factory, commit=False)
    assert await notifier.wait(0.3) is False

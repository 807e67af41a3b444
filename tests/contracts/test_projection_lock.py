"""Contract of ProjectionLock: a second holder waits until the first lets go."""

from __future__ import annotations

import asyncio

import pytest

from adapters.memory.projection_lock import InMemoryProjectionLock
from adapters.postgres.projection_lock import PostgresProjectionLock
from domain.ports.projection_lock import ProjectionLock


@pytest.fixture(params=["memory", "postgres"])
def lock(request: pytest.FixtureRequest) -> ProjectionLock:
    if request.param == "memory":
        return InMemoryProjectionLock()
    return PostgresProjectionLock(request.getfixturevalue("engine"))


async def test_second_holder_waits_for_the_first(lock: ProjectionLock) -> None:
    order: list[str] = []
    first_in = asyncio.Event()

    async def first() -> None:
        async with lock.hold("fingerprint"):
            order.append("first in")
            first_in.set()
            await asyncio.sleep(0.3)
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with lock.hold("fingerprint"):
            order.append("second in")

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=10)
    assert order == ["first in", "first out", "second in"]


async def test_different_projections_do_not_block_each_other(lock: ProjectionLock) -> None:
    async with lock.hold("fingerprint"):
        async with asyncio.timeout(5):
            async with lock.hold("embedding"):
                pass


async def test_lock_is_released_when_the_holder_fails(lock: ProjectionLock) -> None:
    with pytest.raises(RuntimeError):
        async with lock.hold("fingerprint"):
            raise RuntimeError("projection crashed")
    async with asyncio.timeout(5):
        async with lock.hold("fingerprint"):
            pass


async def test_a_held_lock_says_so_until_released(lock: ProjectionLock) -> None:
    assert not await lock.still_held("fingerprint")
    async with lock.hold("fingerprint"):
        assert await lock.still_held("fingerprint")
        assert not await lock.still_held("embedding")
    assert not await lock.still_held("fingerprint")

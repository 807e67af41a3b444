"""Contract of ProjectionLock: a second holder waits until the first lets go."""

from __future__ import annotations

import asyncio

import pytest

from adapters.memory.projection_lock import InMemoryProjectionLock
from adapters.postgres.projection_lock import PostgresProjectionLock
from domain.ports.projection_lock import ProjectionLock
from domain.projections.nodes import ProjectionKey

FINGERPRINT, EMBEDDING = ProjectionKey("fingerprint"), ProjectionKey("embedding")


@pytest.fixture(params=["memory", "postgres"])
def lock(request: pytest.FixtureRequest) -> ProjectionLock:
    if request.param == "memory":
        return InMemoryProjectionLock()
    return PostgresProjectionLock(request.getfixturevalue("engine"))


async def test_second_holder_waits_for_the_first(lock: ProjectionLock) -> None:
    order: list[str] = []
    first_in = asyncio.Event()

    async def first() -> None:
        async with lock.hold(FINGERPRINT):
            order.append("first in")
            first_in.set()
            await asyncio.sleep(0.3)
            order.append("first out")

    async def second() -> None:
        await first_in.wait()
        async with lock.hold(FINGERPRINT):
            order.append("second in")

    await asyncio.wait_for(asyncio.gather(first(), second()), timeout=10)
    assert order == ["first in", "first out", "second in"]


async def test_different_projections_do_not_block_each_other(lock: ProjectionLock) -> None:
    async with lock.hold(FINGERPRINT):
        async with asyncio.timeout(5):
            async with lock.hold(EMBEDDING):
                pass


async def test_lock_is_released_when_the_holder_fails(lock: ProjectionLock) -> None:
    with pytest.raises(RuntimeError):
        async with lock.hold(FINGERPRINT):
            raise RuntimeError("projection crashed")
    async with asyncio.timeout(5):
        async with lock.hold(FINGERPRINT):
            pass


async def test_a_held_lock_says_so_until_released(lock: ProjectionLock) -> None:
    assert not await lock.still_held(FINGERPRINT)
    async with lock.hold(FINGERPRINT):
        assert await lock.still_held(FINGERPRINT)
        assert not await lock.still_held(EMBEDDING)
    assert not await lock.still_held(FINGERPRINT)


async def test_each_node_has_its_own_lock_and_says_whether_it_runs(lock: ProjectionLock) -> None:
    node_b = ProjectionKey("fingerprint", "b")
    assert not await lock.held_anywhere(node_b)
    async with lock.hold(FINGERPRINT):
        assert await lock.held_anywhere(FINGERPRINT)
        assert not await lock.held_anywhere(node_b)
        async with asyncio.timeout(5):  # node b's copy is not held by main's holder
            async with lock.hold(node_b):
                assert await lock.held_anywhere(node_b)
                assert await lock.still_held(node_b)
    assert not await lock.held_anywhere(FINGERPRINT)
    assert not await lock.held_anywhere(node_b)

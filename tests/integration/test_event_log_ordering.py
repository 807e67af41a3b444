"""A reader that moved past position N must never miss an event that commits later.

Two transactions interleave: A appends first but commits last. If B's event could become
visible before A's, a projector would read B, checkpoint past A's position, and skip A.
"""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from domain.events import TrackIngested


async def test_interleaved_appends_become_visible_in_position_order(engine: AsyncEngine) -> None:
    uow = PostgresUnitOfWorkFactory(engine)
    a_event = TrackIngested(uuid.uuid4(), "a", 5.0)
    b_event = TrackIngested(uuid.uuid4(), "b", 5.0)
    b_appended = asyncio.Event()

    async with uow() as a:
        await a.events.append(a_event)

        async def transaction_b() -> None:
            async with uow() as b:
                await b.events.append(b_event)  # must wait for A to finish
                b_appended.set()
                await b.commit()

        b_task = asyncio.create_task(transaction_b())
        await asyncio.sleep(0.3)
        assert not b_appended.is_set(), "B appended while A was still open"
        async with uow() as reader:
            assert await reader.events.read_after(0, 10) == []  # nothing committed yet
        await a.commit()
    await asyncio.wait_for(b_task, 5)

    async with uow() as reader:
        seen = await reader.events.read_after(0, 10)
    assert [s.event for s in seen] == [a_event, b_event]
    assert seen[0].position < seen[1].position


async def test_a_reader_between_commits_never_skips(engine: AsyncEngine) -> None:
    """Many writers at once; a reader checkpointing as it goes sees every event once."""
    uow = PostgresUnitOfWorkFactory(engine)
    written = [TrackIngested(uuid.uuid4(), f"k{i}", 5.0) for i in range(40)]

    async def writer(event: TrackIngested) -> None:
        async with uow() as w:
            await w.events.append(event)
            await asyncio.sleep(0.005)
            await w.commit()

    seen: list[TrackIngested] = []
    checkpoint = 0

    async def reader() -> None:
        nonlocal checkpoint
        while len(seen) < len(written):
            async with uow() as r:
                batch = await r.events.read_after(checkpoint, 5)
            for stored in batch:
                seen.append(stored.event)  # type: ignore[arg-type]
                checkpoint = stored.position
            await asyncio.sleep(0)

    await asyncio.wait_for(asyncio.gather(reader(), *(writer(e) for e in written)), 30)
    assert sorted(e.storage_key for e in seen) == sorted(e.storage_key for e in written)

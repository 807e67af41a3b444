"""Projector and RunProjections: checkpoints, idempotence, crashes, locks, wake-ups."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.memory.event_notifier import InMemoryEventNotifier
from adapters.memory.projection_lock import InMemoryProjectionLock
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.projector import Projector
from application.run_projections import RunProjections
from domain.events import TrackDeleted, TrackIngested
from tests.application.recording_projection import RecordingProjection


async def _append(uow: InMemoryUnitOfWorkFactory, *events: object) -> None:
    async with uow() as unit:
        for event in events:
            await unit.events.append(event)  # type: ignore[arg-type]
        await unit.commit()


@pytest.fixture
def uow(memory_db, clock) -> InMemoryUnitOfWorkFactory:  # type: ignore[no-untyped-def]
    return InMemoryUnitOfWorkFactory(memory_db, clock)


async def test_catch_up_applies_everything_and_saves_the_checkpoint(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _append(uow, TrackIngested(a, "a", 5), TrackIngested(b, "b", 5), TrackDeleted(a, "a"))
    projection = RecordingProjection()
    projector = Projector(projection, uow, batch_size=2)
    assert await projector.lag() == 3
    assert await projector.catch_up() == 3
    assert projection.live == {b}
    assert await projector.lag() == 0
    assert await projector.catch_up() == 0  # nothing new: nothing re-applied
    assert projection.applied == [1, 2, 3]


async def test_a_crash_before_the_checkpoint_reapplies_one_event_idempotently(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _append(uow, TrackIngested(a, "a", 5), TrackIngested(b, "b", 5))
    projection = RecordingProjection()
    # Event 1 is applied but its checkpoint is never saved (the process dies).
    await projection.apply((await uow().events.read_after(0, 1))[0])
    assert await Projector(projection, uow).catch_up() == 2
    assert projection.applied == [1, 1, 2]
    assert projection.live == {a, b}


async def test_a_failing_event_stops_at_the_last_good_checkpoint(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    ids = [uuid.uuid4() for _ in range(3)]
    await _append(uow, *(TrackIngested(i, str(i), 5) for i in ids))
    projection = RecordingProjection()
    projection.fail_at = {2}
    projector = Projector(projection, uow)
    with pytest.raises(RuntimeError):
        await projector.catch_up()
    async with uow() as unit:
        assert await unit.checkpoints.get(projection.name) == 1
    projection.fail_at = set()
    assert await projector.catch_up() == 2
    assert projection.live == set(ids)


async def test_the_runner_follows_new_events_until_stopped(uow: InMemoryUnitOfWorkFactory) -> None:
    projection = RecordingProjection()
    runner = RunProjections(
        [Projector(projection, uow)],
        InMemoryProjectionLock(),
        InMemoryEventNotifier(uow.db),
        poll_seconds=30,  # only a notification can wake it in time
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(runner(stop, ready))
    await asyncio.wait_for(ready.wait(), 5)
    track = uuid.uuid4()
    await _append(uow, TrackIngested(track, "k", 5))
    for _ in range(100):
        if projection.live:
            break
        await asyncio.sleep(0.02)
    assert projection.live == {track}
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_a_second_runner_waits_for_the_lock(uow: InMemoryUnitOfWorkFactory) -> None:
    lock = InMemoryProjectionLock()
    first_ready, second_ready = asyncio.Event(), asyncio.Event()
    stop_first, stop_second = asyncio.Event(), asyncio.Event()

    def runner() -> RunProjections:
        projector = Projector(RecordingProjection(), uow)
        return RunProjections([projector], lock, InMemoryEventNotifier(uow.db), poll_seconds=0.05)

    first = asyncio.create_task(runner()(stop_first, first_ready))
    await asyncio.wait_for(first_ready.wait(), 5)
    second = asyncio.create_task(runner()(stop_second, second_ready))
    await asyncio.sleep(0.2)
    assert not second_ready.is_set()
    stop_first.set()
    await asyncio.wait_for(second_ready.wait(), 5)  # takes over once the first lets go
    stop_second.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)


async def test_a_failing_projection_does_not_stop_the_runner(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    broken, healthy = RecordingProjection("broken"), RecordingProjection("healthy")
    broken.fail_at = {1}
    runner = RunProjections(
        [Projector(broken, uow), Projector(healthy, uow)],
        InMemoryProjectionLock(),
        InMemoryEventNotifier(uow.db),
        poll_seconds=0.05,
    )
    await _append(uow, TrackIngested(uuid.uuid4(), "k", 5))
    stop = asyncio.Event()
    task = asyncio.create_task(runner(stop))
    await asyncio.sleep(0.2)
    assert healthy.applied == [1]
    broken.fail_at = set()  # the store comes back: the next wake-up catches up
    await asyncio.sleep(0.2)
    assert broken.applied == [1]
    stop.set()
    await asyncio.wait_for(task, 5)

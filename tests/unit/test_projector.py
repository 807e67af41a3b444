"""Projector and RunProjections: checkpoints, idempotence, crashes, parking, rebuilds."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.event_notifier import InMemoryEventNotifier
from adapters.memory.projection_lock import InMemoryProjectionLock
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.projections.projector import Projector, StoreUnavailable
from application.projections.run_projections import RunProjections
from application.projections.status import ProjectionStatus
from domain.events import DomainEvent, TrackDeleted, TrackIngested, TrackRetitled
from domain.projections.names import ProjectionName
from domain.projections.nodes import NodeProjections, ProjectionKey
from tests.support.recording_projection import RecordingProjection

RECORDING = ProjectionKey("recording")


async def _append(uow: InMemoryUnitOfWorkFactory, *events: DomainEvent) -> None:
    async with uow() as unit:
        for event in events:
            await unit.events.append(event)
        await unit.commit()


def _projector(projection: RecordingProjection, uow: InMemoryUnitOfWorkFactory) -> Projector:
    return Projector(projection, uow, batch_size=2, backoff_seconds=(0, 0))


def _runner(uow: InMemoryUnitOfWorkFactory, *projectors: Projector, poll: float) -> RunProjections:
    return RunProjections(
        projectors, InMemoryProjectionLock(), InMemoryEventNotifier(uow.db), uow, poll
    )


async def _eventually(condition, seconds: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def uow(memory_db, clock) -> InMemoryUnitOfWorkFactory:  # type: ignore[no-untyped-def]
    return InMemoryUnitOfWorkFactory(memory_db, clock)


async def test_catch_up_applies_everything_and_saves_checkpoint_and_receipts(
    uow: InMemoryUnitOfWorkFactory, clock: FixedClock
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _append(uow, TrackIngested(a, "a", 5), TrackIngested(b, "b", 5), TrackDeleted(a, "a"))
    projection = RecordingProjection()
    projector = _projector(projection, uow)
    status = ProjectionStatus(uow, clock, list(ProjectionName), NodeProjections())
    assert (await status({"recording"})).of("recording").lag_events == 3
    assert await projector.catch_up() == 3
    assert projection.live == {b: 10}
    assert (await status({"recording"})).of("recording").lag_events == 0
    assert await projector.catch_up() == 0  # nothing new: nothing re-applied
    assert projection.applied == [1, 2, 3]
    assert uow.db.receipts[RECORDING] == {b: 10}


async def test_a_crash_before_the_checkpoint_reapplies_one_event_idempotently(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _append(uow, TrackIngested(a, "a", 5), TrackIngested(b, "b", 5))
    projection = RecordingProjection()
    # Event 1 is applied but its checkpoint is never saved (the process dies).
    await projection.apply(uow.db.events[0])
    assert await _projector(projection, uow).catch_up() == 2
    assert projection.applied == [1, 1, 2]
    assert projection.live == {a: 10, b: 10}


async def test_a_stop_ends_the_catch_up_after_the_event_in_hand(
    uow: InMemoryUnitOfWorkFactory, clock: FixedClock
) -> None:
    # A server stopping must not work through the whole backlog first.
    await _append(uow, *(TrackIngested(uuid.uuid4(), f"t{n}", 5) for n in range(5)))
    stop = asyncio.Event()

    class StopsDuringTheSecond(RecordingProjection):
        async def apply(self, stored):  # type: ignore[no-untyped-def]
            if stored.position == 2:
                stop.set()
            return await super().apply(stored)

    projection = StopsDuringTheSecond()
    assert await _projector(projection, uow).catch_up(stop) == 2
    assert projection.applied == [1, 2]
    status = ProjectionStatus(uow, clock, ["recording"], NodeProjections())
    assert (await status()).of("recording").checkpoint == 2  # the second's checkpoint saved
    assert await _projector(projection, uow).catch_up() == 3  # the rest, next time
    assert projection.applied == [1, 2, 3, 4, 5]


async def test_a_projection_not_kept_has_no_lag(
    uow: InMemoryUnitOfWorkFactory, clock: FixedClock
) -> None:
    await _append(uow, TrackIngested(uuid.uuid4(), "a", 5))
    report = await ProjectionStatus(uow, clock, [ProjectionName.FINGERPRINT], NodeProjections())()
    assert report.of(ProjectionName.FINGERPRINT).lag_events == 1
    switched_off = report.of(ProjectionName.EMBEDDING)
    assert (switched_off.kept, switched_off.lag_events, switched_off.lag_seconds) == (False, 0, 0)


async def test_a_poison_event_is_parked_and_the_rest_goes_on(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    ids = [uuid.uuid4() for _ in range(3)]
    await _append(uow, *(TrackIngested(i, str(i), 5) for i in ids))
    projection = RecordingProjection()
    projection.fail_at = {2}
    assert await _projector(projection, uow).catch_up() == 3
    assert set(projection.live) == {ids[0], ids[2]}
    [parked] = uow.db.parked.values()
    assert (parked.position, parked.attempts) == (2, 3)
    assert "cannot apply event 2" in parked.error
    assert uow.db.checkpoints[RECORDING][0] == 3


async def test_retrying_a_parked_event_applies_it(uow: InMemoryUnitOfWorkFactory) -> None:
    ids = [uuid.uuid4() for _ in range(2)]
    await _append(uow, *(TrackIngested(i, str(i), 5) for i in ids))
    projection = RecordingProjection()
    projection.fail_at = {1}
    projector = _projector(projection, uow)
    await projector.catch_up()
    projection.fail_at = set()
    async with uow() as unit:
        assert await unit.parked.request_retry("recording") == 1
        await unit.commit()
    assert await projector.catch_up() == 1
    assert set(projection.live) == set(ids)
    assert uow.db.parked == {}


@pytest.mark.parametrize("superseded", [True, False], ids=["deleted", "retitled"])
async def test_a_parked_event_superseded_by_a_later_one_is_dropped(
    uow: InMemoryUnitOfWorkFactory, superseded: bool
) -> None:
    """A later TrackDeleted supersedes a parked TrackIngested; a TrackRetitled, which
    changes nothing an index holds, does not."""
    track = uuid.uuid4()
    await _append(uow, TrackIngested(track, "k", 5))
    projection = RecordingProjection()
    projection.fail_at = {1}
    projector = _projector(projection, uow)
    await projector.catch_up()
    later = TrackDeleted(track, "k") if superseded else TrackRetitled(track, "New", None, None)
    await _append(uow, later)
    await projector.catch_up()
    async with uow() as unit:
        await unit.parked.request_retry()
        await unit.commit()
    projection.fail_at = set()
    await projector.catch_up()
    # Not resurrected by the stale TrackIngested; applied when nothing superseded it.
    assert projection.live == ({} if superseded else {track: 10})
    assert uow.db.parked == {}


async def test_a_store_outage_parks_nothing_and_keeps_the_checkpoint(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    await _append(uow, TrackIngested(uuid.uuid4(), "k", 5))
    projection = RecordingProjection()
    projection.store_down = True
    projector = _projector(projection, uow)
    with pytest.raises(StoreUnavailable):
        await projector.catch_up()
    assert uow.db.parked == {}
    assert RECORDING not in uow.db.checkpoints
    projection.store_down = False
    assert await projector.catch_up() == 1


async def test_rebuild_swaps_in_a_fresh_store_and_moves_the_checkpoint(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    await _append(uow, TrackIngested(a, "a", 5), TrackIngested(b, "b", 5), TrackDeleted(a, "a"))
    projection = RecordingProjection()
    projection.live = {uuid.uuid4(): 3}  # drift that the rebuild must wash away
    seen: list[tuple[int, int]] = []

    async def progress(position: int, target: int) -> None:
        seen.append((position, target))

    assert await _projector(projection, uow).rebuild(progress) == 3
    assert projection.live == {b: 10}
    assert projection.generations == 1
    assert seen[-1] == (3, 3)
    assert uow.db.checkpoints[RECORDING][0] == 3
    assert uow.db.receipts[RECORDING] == {b: 10}


async def test_a_failed_rebuild_leaves_the_current_store_alone(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    await _append(uow, TrackIngested(uuid.uuid4(), "a", 5))
    projection = RecordingProjection()
    before = {uuid.uuid4(): 7}
    projection.live = dict(before)
    projection.store_down = True
    with pytest.raises(StoreUnavailable):
        await _projector(projection, uow).rebuild()
    assert projection.live == before
    assert projection.building is None
    assert RECORDING not in uow.db.checkpoints


async def test_the_runner_follows_new_events_until_stopped(uow: InMemoryUnitOfWorkFactory) -> None:
    projection = RecordingProjection()
    # A long poll: only a notification can wake it in time.
    runner = _runner(uow, _projector(projection, uow), poll=30)
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(runner(stop, ready))
    await asyncio.wait_for(ready.wait(), 5)
    track = uuid.uuid4()
    await _append(uow, TrackIngested(track, "k", 5))
    await _eventually(lambda: track in projection.live)
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_the_runner_carries_out_replay_requests(uow: InMemoryUnitOfWorkFactory) -> None:
    track = uuid.uuid4()
    await _append(uow, TrackIngested(track, "k", 5))
    projection = RecordingProjection()
    runner = _runner(uow, _projector(projection, uow), poll=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(runner(stop))
    await _eventually(lambda: track in projection.live)
    async with uow() as unit:
        request = await unit.replays.request(RECORDING)
        await unit.commit()
    await _eventually(lambda: uow.db.replays[request].done)
    assert uow.db.replays[request].error is None
    assert projection.generations == 1
    assert projection.live == {track: 10}
    stop.set()
    await asyncio.wait_for(task, 5)


async def test_a_second_runner_waits_for_the_lock(uow: InMemoryUnitOfWorkFactory) -> None:
    lock = InMemoryProjectionLock()
    first_ready, second_ready = asyncio.Event(), asyncio.Event()
    stop_first, stop_second = asyncio.Event(), asyncio.Event()

    def runner() -> RunProjections:
        projector = _projector(RecordingProjection(), uow)
        return RunProjections([projector], lock, InMemoryEventNotifier(uow.db), uow, 0.05)

    first = asyncio.create_task(runner()(stop_first, first_ready))
    await asyncio.wait_for(first_ready.wait(), 5)
    second = asyncio.create_task(runner()(stop_second, second_ready))
    await asyncio.sleep(0.2)
    assert not second_ready.is_set()
    stop_first.set()
    await asyncio.wait_for(second_ready.wait(), 5)  # takes over once the first lets go
    stop_second.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)


async def test_a_store_outage_does_not_stop_the_other_projections(
    uow: InMemoryUnitOfWorkFactory,
) -> None:
    broken, healthy = RecordingProjection("broken"), RecordingProjection("healthy")
    broken.store_down = True
    runner = _runner(uow, _projector(broken, uow), _projector(healthy, uow), poll=0.05)
    await _append(uow, TrackIngested(uuid.uuid4(), "k", 5))
    stop = asyncio.Event()
    task = asyncio.create_task(runner(stop))
    await _eventually(lambda: healthy.applied == [1])
    broken.store_down = False  # the store comes back: a later wake-up catches up
    await _eventually(lambda: broken.applied == [1])
    assert uow.db.parked == {}
    stop.set()
    await asyncio.wait_for(task, 5)

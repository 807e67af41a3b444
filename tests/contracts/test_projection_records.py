"""Contract of the projections' records: parked events, receipts, replay requests."""

from __future__ import annotations

import uuid

from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.nodes import ProjectionKey

FINGERPRINT, EMBEDDING = ProjectionKey("fingerprint"), ProjectionKey("embedding")


async def test_parked_events_are_listed_retried_and_resolved(
    uow_factory: UnitOfWorkFactory,
) -> None:
    async with uow_factory() as uow:
        await uow.parked.park(FINGERPRINT, 7, "decoder crashed", 3)
        await uow.parked.park(EMBEDDING, 7, "CUDA out of memory", 3)
        await uow.parked.park(FINGERPRINT, 3, "first error", 1)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.parked.park(FINGERPRINT, 3, "second error", 2)  # parked again: updated
        await uow.commit()
    async with uow_factory() as uow:
        everything = await uow.parked.list()
        mine = await uow.parked.list(FINGERPRINT)
    assert [(p.projection, p.position) for p in everything] == [
        ("fingerprint", 3),
        ("embedding", 7),
        ("fingerprint", 7),
    ]
    assert [(p.position, p.error, p.attempts) for p in mine] == [
        (3, "second error", 2),
        (7, "decoder crashed", 3),
    ]
    assert not any(p.retry_requested for p in everything)

    async with uow_factory() as uow:
        assert await uow.parked.request_retry("fingerprint", 7) == 1
        assert await uow.parked.request_retry(position=99) == 0
        await uow.commit()
    async with uow_factory() as uow:
        flagged = {(p.projection, p.position) for p in await uow.parked.list() if p.retry_requested}
        assert flagged == {("fingerprint", 7)}
        await uow.parked.resolve(FINGERPRINT, 7)
        await uow.commit()
    async with uow_factory() as uow:
        assert [(p.projection, p.position) for p in await uow.parked.list()] == [
            ("fingerprint", 3),
            ("embedding", 7),
        ]


async def test_receipts_track_what_each_projection_holds(uow_factory: UnitOfWorkFactory) -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    async with uow_factory() as uow:
        await uow.receipts.record(FINGERPRINT, a, 1200, 1)
        await uow.receipts.record(FINGERPRINT, b, 800, 2)
        await uow.receipts.record(EMBEDDING, a, 12, 1)
        await uow.commit()
    async with uow_factory() as uow:
        await uow.receipts.record(FINGERPRINT, a, 1250, 3)  # re-applied
        await uow.receipts.record(FINGERPRINT, b, None, 4)  # removed
        await uow.receipts.record(EMBEDDING, b, 0, 4)  # holds nothing, by design (silence)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.receipts.for_projection(FINGERPRINT) == {a: 1250}
        assert await uow.receipts.for_projection(EMBEDDING) == {a: 12, b: 0}
        await uow.receipts.clear(FINGERPRINT)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.receipts.for_projection(FINGERPRINT) == {}
        assert await uow.receipts.for_projection(EMBEDDING) == {a: 12, b: 0}


async def test_replay_requests_run_their_course(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        first = await uow.replays.request(FINGERPRINT)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.replays.request(FINGERPRINT) == first  # one at a time
        assert await uow.replays.pending(EMBEDDING) is None
        waiting = await uow.replays.pending(FINGERPRINT)
        assert waiting is not None
        assert waiting.id == first
        assert waiting.started_at is None
        await uow.replays.progress(first, 40, 100)
        await uow.commit()
    async with uow_factory() as uow:
        running = await uow.replays.get(first)
        assert running is not None
        assert (running.progress_position, running.target_position) == (40, 100)
        assert running.started_at is not None
        assert not running.done
        await uow.replays.finish(first, error="disk full")
        await uow.commit()
    async with uow_factory() as uow:
        finished = await uow.replays.get(first)
        assert finished is not None
        assert finished.done
        assert finished.error == "disk full"
        assert await uow.replays.pending(FINGERPRINT) is None
        assert await uow.replays.get(first + 100) is None


async def test_each_node_keeps_its_own_records(uow_factory: UnitOfWorkFactory) -> None:
    a = uuid.uuid4()
    b_copy, c_copy = ProjectionKey("fingerprint", "b"), ProjectionKey("fingerprint", "c")
    async with uow_factory() as uow:
        await uow.parked.park(b_copy, 5, "b's decoder crashed", 3)
        await uow.parked.park(c_copy, 5, "c's decoder crashed", 3)
        await uow.receipts.record(b_copy, a, 100, 5)
        await uow.receipts.record(c_copy, a, 90, 5)
        b_rebuild = await uow.replays.request(b_copy)
        await uow.commit()
    async with uow_factory() as uow:
        assert [(p.node, p.error) for p in await uow.parked.list(b_copy)] == [
            ("b", "b's decoder crashed")
        ]
        assert {p.key for p in await uow.parked.list()} == {b_copy, c_copy}
        assert await uow.parked.request_retry("fingerprint", node="c") == 1
        assert await uow.receipts.for_projection(c_copy) == {a: 90}
        await uow.receipts.clear(b_copy)
        assert await uow.replays.pending(c_copy) is None
        pending = await uow.replays.pending(b_copy)
        assert pending is not None and (pending.id, pending.key) == (b_rebuild, b_copy)
        assert await uow.replays.request(c_copy) != b_rebuild
        await uow.parked.resolve(b_copy, 5)
        await uow.commit()
    async with uow_factory() as uow:
        [left] = await uow.parked.list()
        assert (left.key, left.retry_requested) == (c_copy, True)
        assert await uow.receipts.for_projection(b_copy) == {}
        assert await uow.receipts.for_projection(c_copy) == {a: 90}

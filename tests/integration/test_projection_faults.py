"""Fault tolerance of the fingerprint projection on real Postgres, ffmpeg, C and LMDB."""

from __future__ import annotations

import asyncio

import pytest

from application.projections.projector import StoreUnavailable
from application.projections.verify_projections import VerifyProjections
from domain.events import StoredEvent
from domain.projections.nodes import NodeProjections, ProjectionKey
from domain.projections.records import Applied
from tests.support.exact_stack import ExactStack

FINGERPRINT = ProjectionKey("fingerprint")


async def test_replay_from_scratch_gives_the_same_answers(stack: ExactStack) -> None:
    await stack.add_tracks(range(1, 5))
    await stack.projector.catch_up()
    before = await stack.answers(range(1, 5))
    assert all(answer is not None for answer in before)
    await stack.projector.rebuild()
    assert await stack.answers(range(1, 5)) == before
    report = await VerifyProjections(
        stack.uow, {stack.projection.name: stack.index}, NodeProjections()
    )()
    assert report.clean


async def test_replay_while_ingesting_loses_nothing(stack: ExactStack) -> None:
    first = await stack.add_tracks(range(10, 13))
    await stack.projector.catch_up()
    rebuilding = asyncio.create_task(stack.projector.rebuild())
    late = await stack.add_tracks(range(13, 15))  # committed while the rebuild runs
    await rebuilding
    await stack.projector.catch_up()
    assert set(await stack.index.track_counts()) == set(first + late)
    assert (
        await VerifyProjections(
            stack.uow, {stack.projection.name: stack.index}, NodeProjections()
        )()
    ).clean


async def test_a_poison_event_is_parked_and_retried(
    stack: ExactStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    poisoned, healthy = await stack.add_tracks(range(20, 22))
    original = stack.projection.apply

    async def choke_on_one(stored: StoredEvent) -> Applied | None:
        if stored.event.track_id == poisoned:
            raise ValueError("fingerprinter rejected this file")
        return await original(stored)

    monkeypatch.setattr(stack.projection, "apply", choke_on_one)
    await stack.projector.catch_up()
    async with stack.uow() as uow:
        [parked] = await uow.parked.list(FINGERPRINT)
        assert await uow.checkpoints.get(FINGERPRINT) == await uow.events.head()
    assert "rejected" in parked.error
    assert set(await stack.index.track_counts()) == {healthy}
    report = await VerifyProjections(
        stack.uow, {stack.projection.name: stack.index}, NodeProjections()
    )()
    assert [d.track_id for d in report.drift] == [poisoned]

    monkeypatch.setattr(stack.projection, "apply", original)
    async with stack.uow() as uow:
        await uow.parked.request_retry("fingerprint")
        await uow.commit()
    await stack.projector.catch_up()
    assert set(await stack.index.track_counts()) == {poisoned, healthy}
    assert (
        await VerifyProjections(
            stack.uow, {stack.projection.name: stack.index}, NodeProjections()
        )()
    ).clean


async def test_a_store_that_fails_every_call_parks_nothing(
    stack: ExactStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    await stack.add_tracks(range(30, 32))

    async def down(*_: object) -> None:
        raise OSError("No space left on device")

    monkeypatch.setattr(stack.index, "put", down)
    monkeypatch.setattr(stack.index, "check", down)
    with pytest.raises(StoreUnavailable):
        await stack.projector.catch_up()
    async with stack.uow() as uow:
        assert await uow.parked.list() == []
        assert await uow.checkpoints.get(FINGERPRINT) == 0
        assert await uow.tracks.count() == 2  # ingestion committed regardless
    monkeypatch.undo()
    assert await stack.projector.catch_up() == 2
    assert (
        await VerifyProjections(
            stack.uow, {stack.projection.name: stack.index}, NodeProjections()
        )()
    ).clean


async def test_verify_repair_heals_a_lost_track_through_the_log(stack: ExactStack) -> None:
    lost, kept = await stack.add_tracks(range(40, 42))
    await stack.projector.catch_up()
    await stack.index.remove(lost)  # damage behind the log's back
    report = await VerifyProjections(
        stack.uow, {stack.projection.name: stack.index}, NodeProjections()
    )(repair=True)
    assert [(d.track_id, d.kind.value) for d in report.drift] == [(lost, "missing")]
    assert report.repair_events == 1
    await stack.projector.catch_up()
    assert set(await stack.index.track_counts()) == {lost, kept}
    assert (
        await VerifyProjections(
            stack.uow, {stack.projection.name: stack.index}, NodeProjections()
        )()
    ).clean

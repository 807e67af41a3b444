"""VerifyProjections: drift is reported, and repaired only through new events."""

from __future__ import annotations

import uuid

from application.projections.projector import Projector
from application.projections.verify_projections import VerifyProjections
from domain.events import TrackDeleted, TrackReindexRequested
from domain.projections.drift import DriftKind
from domain.projections.nodes import NodeProjections
from tests.support.audio_factory import synth_track
from tests.support.fixtures.memory_app import MemoryApp
from tests.support.recording_projection import RecordingProjection


async def _library(app: MemoryApp, count: int) -> list[uuid.UUID]:
    ids = []
    for seed in range(count):
        outcome = await app.ingest(app.add_file(f"t{seed}.wav", synth_track(seed, 10.0)))
        assert outcome.track_id is not None
        ids.append(outcome.track_id)
    return ids


async def test_in_sync_projection_has_no_drift(app: MemoryApp) -> None:
    await _library(app, 2)
    projection = RecordingProjection()
    await Projector(projection, app.uow).catch_up()
    report = await VerifyProjections(app.uow, {projection.name: projection}, NodeProjections())()
    assert report.checked_tracks == 2
    assert report.drift == []


async def test_drift_is_reported_then_healed_by_events(app: MemoryApp) -> None:
    lost, miscounted = await _library(app, 2)
    projection = RecordingProjection()
    projector = Projector(projection, app.uow)
    await projector.catch_up()
    ghost = uuid.uuid4()
    del projection.live[lost]  # e.g. an LMDB file restored from an old backup
    projection.live[miscounted] = 3
    projection.live[ghost] = 1
    head = len(app.db.events)

    report = await VerifyProjections(app.uow, {projection.name: projection}, NodeProjections())(
        repair=False
    )
    assert {(d.track_id, d.kind) for d in report.drift} == {
        (lost, DriftKind.MISSING),
        (miscounted, DriftKind.COUNT_MISMATCH),
        (ghost, DriftKind.UNEXPECTED),
    }
    assert len(app.db.events) == head  # reporting changes nothing

    repaired = await VerifyProjections(app.uow, {projection.name: projection}, NodeProjections())(
        repair=True
    )
    assert repaired.repair_events == 3
    appended = [stored.event for stored in app.db.events[head:]]
    assert {type(e) for e in appended} == {TrackReindexRequested, TrackDeleted}
    assert projection.live[miscounted] == 3  # the store itself was not touched

    await projector.catch_up()
    assert (
        await VerifyProjections(app.uow, {projection.name: projection}, NodeProjections())()
    ).drift == []


async def test_lagging_projection_is_not_drift(app: MemoryApp) -> None:
    await _library(app, 1)
    report = await VerifyProjections(
        app.uow, {"recording": RecordingProjection()}, NodeProjections()
    )()
    assert report.drift == []

"""Serving nodes on the twins: each node's copy of a projection keeps its own checkpoint, a
new node replays the log from the start and is not ready until it has, status lists every
node, and replay and retry requests reach the node they name."""

from __future__ import annotations

import asyncio
import uuid

from adapters.memory.clock import FixedClock
from adapters.memory.database import InMemoryDatabase
from adapters.memory.event_notifier import InMemoryEventNotifier
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from adapters.memory.projection_lock import InMemoryProjectionLock
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.memory.vector_index import InMemoryVectorIndex
from application.health.check_readiness import CheckReadiness, ReadinessPolicy
from application.health.first_catch_up import FirstCatchUp
from application.identify.vibe_model import VibeModel
from application.projections.drive_projections import DriveProjections
from application.projections.node_reach import NodeReach
from application.projections.projector import Projector
from application.projections.request_replay import RequestReplay
from application.projections.run_projections import RunProjections
from application.projections.status import ProjectionStatus
from domain.events import DomainEvent, TrackIngested
from domain.projections.names import ProjectionName
from domain.projections.nodes import NodeProjections, ProjectionKey
from tests.support.recording_projection import RecordingProjection

FINGERPRINT = ProjectionName.FINGERPRINT
KEPT = [FINGERPRINT]
OFF = VibeModel(enabled=False, embedder=None)


async def _append(uow: InMemoryUnitOfWorkFactory, *events: DomainEvent) -> None:
    async with uow() as unit:
        for event in events:
            await unit.events.append(event)
        await unit.commit()


def _readiness(uow: InMemoryUnitOfWorkFactory, clock: FixedClock, node: str) -> CheckReadiness:
    nodes = NodeProjections.of(node)
    status = ProjectionStatus(uow, clock, KEPT, nodes)
    return CheckReadiness(
        status,
        InMemoryFingerprintIndex(),
        InMemoryVectorIndex(),
        OFF,
        KEPT,
        nodes,
        ReadinessPolicy(max_lag_seconds=30),
        FirstCatchUp(),
    )


async def test_a_new_node_replays_the_log_and_is_ready_once_it_has(clock: FixedClock) -> None:
    uow = InMemoryUnitOfWorkFactory(InMemoryDatabase(), clock)
    tracks = [uuid.uuid4() for _ in range(3)]
    await _append(uow, *(TrackIngested(t, f"k{n}", 5) for n, t in enumerate(tracks)))
    main = RecordingProjection("fingerprint")
    await Projector(main, uow).catch_up()

    # Node b joins with an empty index: its copy starts at 0, not at main's checkpoint.
    b_ready = _readiness(uow, clock, "b")
    report = await b_ready()
    assert report.status == "not_ready"
    lag = report.checks["fingerprint_lag"]
    assert (lag.state, lag.required) == ("down", True)
    assert lag.detail == "fingerprint@b catching up: 3 events to apply, the oldest 0 s old"
    assert [(p.node, p.lag_events) for p in report.projections] == [("b", 3)]
    listed = await ProjectionStatus(uow, clock, KEPT, NodeProjections.of("b"))()
    assert [
        (s.node, s.checkpoint, s.here) for s in listed.projections if s.name == FINGERPRINT
    ] == [
        ("b", 0, True),
        ("main", 3, False),
    ]

    b = RecordingProjection("fingerprint")
    assert await Projector(b, uow, node="b").catch_up() == 3
    assert set(b.live) == set(tracks)
    assert (await b_ready()).status == "ready"

    # Once caught up, a young lag (an ingest it keeps up with) leaves it ready; an old one not.
    await _append(uow, TrackIngested(uuid.uuid4(), "k9", 5))
    assert (await b_ready()).status == "ready"
    clock.advance(31)
    late = await b_ready()
    assert late.status == "not_ready"
    assert late.checks["fingerprint_lag"].detail == (
        "fingerprint@b behind: 1 events to apply, the oldest 31 s old"
    )


async def test_a_rebuild_reaches_the_named_running_node_and_waits_for_it(
    clock: FixedClock,
) -> None:
    uow = InMemoryUnitOfWorkFactory(InMemoryDatabase(), clock)
    await _append(uow, TrackIngested(uuid.uuid4(), "k", 5))
    lock = InMemoryProjectionLock()  # shared, as Postgres is by every node

    def runner(node: str, projection: RecordingProjection) -> RunProjections:
        projector = Projector(projection, uow, node=node)
        return RunProjections([projector], lock, InMemoryEventNotifier(uow.db), uow, 0.05)

    # Node b runs (holds its copy's lock); node c has a checkpoint but is not running.
    b_projection = RecordingProjection("fingerprint")
    stop, ready = asyncio.Event(), asyncio.Event()
    b_task = asyncio.create_task(runner("b", b_projection)(stop, ready))
    await asyncio.wait_for(ready.wait(), 5)
    async with uow() as unit:
        await unit.checkpoints.save(ProjectionKey(FINGERPRINT, "c"), 1)
        await unit.commit()

    # The command runs on node main, which never applied anything: not a node yet, so
    # "every node" does not start a copy of its own.
    main_projection = RecordingProjection("fingerprint")
    here = runner("main", main_projection)
    reach = NodeReach(uow, lock, NodeProjections.of("main"))
    replay = RequestReplay(uow, DriveProjections(here), reach)
    rebuilt = await asyncio.wait_for(replay.from_scratch([FINGERPRINT], nodes=[]), 10)

    b_key, c_key = ProjectionKey(FINGERPRINT, "b"), ProjectionKey(FINGERPRINT, "c")
    assert set(rebuilt.finished) == {b_key}
    assert all(state.error is None for state in rebuilt.finished.values())
    assert rebuilt.queued == [c_key]  # carried out when node c starts
    assert (main_projection.generations, b_projection.generations) == (0, 1)

    # Named, this node's own copy is rebuilt here, by this process.
    mine = await asyncio.wait_for(replay.from_scratch([FINGERPRINT], nodes=["main"]), 10)
    assert set(mine.finished) == {ProjectionKey(FINGERPRINT)} and mine.queued == []
    assert main_projection.generations == 1
    async with uow() as unit:
        assert (await unit.replays.pending(c_key)) is not None
    stop.set()
    await asyncio.wait_for(b_task, 5)


async def test_a_node_started_on_a_copied_store_resumes_where_the_copy_ends(
    clock: FixedClock,
) -> None:
    uow = InMemoryUnitOfWorkFactory(InMemoryDatabase(), clock)
    tracks = [uuid.uuid4() for _ in range(3)]
    await _append(uow, *(TrackIngested(t, f"k{n}", 5) for n, t in enumerate(tracks)))
    copied = RecordingProjection("fingerprint")
    copied.live = {tracks[0]: 10, tracks[1]: 10}  # a peer's index, holding the log up to 2
    copied.copied_up_to = 2
    assert await Projector(copied, uow, node="e").catch_up() == 1
    assert copied.applied == [3]  # events 1 and 2 are not applied again
    key = ProjectionKey(FINGERPRINT, "e")
    async with uow() as unit:
        assert await unit.checkpoints.get(key) == 3
        assert await unit.receipts.for_projection(key) == dict.fromkeys(tracks, 10)

    # A store that claims more of the log than there is came from elsewhere: replay into it.
    stranger = RecordingProjection("fingerprint")
    stranger.copied_up_to = 99
    assert await Projector(stranger, uow, node="f").catch_up() == 3
    # And a copy that saved a checkpoint already is never adopted again.
    again = RecordingProjection("fingerprint")
    again.copied_up_to = 1
    assert await Projector(again, uow, node="e").catch_up() == 0

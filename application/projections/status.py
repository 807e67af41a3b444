"""Use case: how far each node's projections are behind the event log, and what they parked."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.names import ProjectionName
from domain.projections.nodes import NodeProjections, ProjectionKey
from domain.projections.records import ParkedEvent


@dataclass(frozen=True, slots=True)
class RebuildProgress:
    position: int
    target: int


@dataclass(frozen=True, slots=True)
class ProjectionState:
    name: str
    node: str
    checkpoint: int
    lag_events: int  # committed events not yet applied
    lag_seconds: float  # age of the oldest of them (0 when caught up)
    updated_at: datetime | None
    parked: int
    rebuild: RebuildProgress | None
    # False: the deployment does not keep it (the vibe lane switched off); no lag counts
    kept: bool = True
    here: bool = True  # this node's own copy (or the shared one this node reads)

    @property
    def key(self) -> ProjectionKey:
        return ProjectionKey(self.name, self.node)


@dataclass(frozen=True, slots=True)
class StatusReport:
    head: int
    tracks: int
    projections: list[ProjectionState]
    parked_events: list[ParkedEvent]

    def of(self, name: str) -> ProjectionState:
        """This node's copy of `name`."""
        return next(s for s in self.projections if s.name == name and s.here)

    @property
    def here(self) -> list[ProjectionState]:
        """This node's copies (its own, and the shared ones it reads)."""
        return [state for state in self.projections if state.here]


class ProjectionStatus:
    """The head of the log; per node and projection its checkpoint, lag, parked events and
    rebuild.

    Covers this node's copy of every projection there is, every copy any node saved a
    checkpoint for (a projection switched off still shows how far it got; each node of a
    deployment shows up once it applied an event) and this node's copy of `also`. The one
    place lag is computed: only for the `kept` projections (and `also`); one the deployment
    does not keep (no embedding index with the vibe lane off) would otherwise fall behind
    forever.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        kept: Sequence[ProjectionName],
        nodes: NodeProjections,
    ) -> None:
        self._uow, self._clock, self._kept, self._nodes = uow, clock, frozenset(kept), nodes

    async def __call__(self, also: Collection[str] = ()) -> StatusReport:
        async with self._uow() as uow:
            head = await uow.events.head()
            saved = await uow.checkpoints.all()
            parked = await uow.parked.list()
            keys = sorted({*(self._nodes.key(n) for n in {*ProjectionName, *also}), *saved})
            counted = self._kept | set(also)
            states = [
                await self._state(uow, k, k.name in counted, head, saved, parked) for k in keys
            ]
            return StatusReport(head, await uow.tracks.count(), states, parked)

    async def _state(
        self,
        uow: UnitOfWork,
        key: ProjectionKey,
        kept: bool,
        head: int,
        saved: dict[ProjectionKey, tuple[int, datetime]],
        parked: list[ParkedEvent],
    ) -> ProjectionState:
        checkpoint, updated = saved.get(key, (0, None))
        oldest = await uow.events.read_after(checkpoint, 1) if kept else []
        waiting = (self._clock.now() - oldest[0].recorded_at).total_seconds() if oldest else 0.0
        rebuild = await uow.replays.pending(key)
        return ProjectionState(
            name=key.name,
            node=key.node,
            checkpoint=checkpoint,
            lag_events=max(0, head - checkpoint) if kept else 0,
            lag_seconds=round(max(0.0, waiting), 1),
            updated_at=updated,
            parked=sum(p.key == key for p in parked),
            rebuild=RebuildProgress(rebuild.progress_position, rebuild.target_position)
            if rebuild
            else None,
            kept=kept,
            here=self._nodes.owns(key),
        )

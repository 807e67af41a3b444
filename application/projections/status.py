"""Use case: how far each projection is behind the event log, and what it parked."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.ports.clock import Clock
from domain.ports.unit_of_work import UnitOfWork
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.names import ProjectionName
from domain.projections.records import ParkedEvent


@dataclass(frozen=True, slots=True)
class RebuildProgress:
    position: int
    target: int


@dataclass(frozen=True, slots=True)
class ProjectionState:
    name: str
    checkpoint: int
    lag_events: int  # committed events not yet applied
    lag_seconds: float  # age of the oldest of them (0 when caught up)
    updated_at: datetime | None
    parked: int
    rebuild: RebuildProgress | None
    # False: the deployment does not keep it (the vibe lane switched off); no lag counts
    kept: bool = True


@dataclass(frozen=True, slots=True)
class StatusReport:
    head: int
    tracks: int
    projections: list[ProjectionState]
    parked_events: list[ParkedEvent]

    def of(self, name: str) -> ProjectionState:
        return next(state for state in self.projections if state.name == name)


class ProjectionStatus:
    """The head of the log; per projection its checkpoint, lag, parked events and rebuild.

    Covers every projection there is, any other name that saved a checkpoint (a
    projection switched off still shows how far it got) and `also`. The one place lag is
    computed: only for the `kept` projections (and `also`); one the deployment does not keep (no
    embedding index with the vibe lane off) would otherwise fall behind forever.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, kept: Sequence[ProjectionName]
    ) -> None:
        self._uow, self._clock, self._kept = uow, clock, frozenset(kept)

    async def __call__(self, also: Collection[str] = ()) -> StatusReport:
        async with self._uow() as uow:
            head = await uow.events.head()
            saved = await uow.checkpoints.all()
            parked = await uow.parked.list()
            names = sorted({*ProjectionName, *saved, *also})
            counted = self._kept | set(also)
            states = [await self._state(uow, n, n in counted, head, saved, parked) for n in names]
            return StatusReport(head, await uow.tracks.count(), states, parked)

    async def _state(
        self,
        uow: UnitOfWork,
        name: str,
        kept: bool,
        head: int,
        saved: dict[str, tuple[int, datetime]],
        parked: list[ParkedEvent],
    ) -> ProjectionState:
        checkpoint, updated = saved.get(name, (0, None))
        oldest = await uow.events.read_after(checkpoint, 1) if kept else []
        waiting = (self._clock.now() - oldest[0].recorded_at).total_seconds() if oldest else 0.0
        rebuild = await uow.replays.pending(name)
        return ProjectionState(
            name=name,
            checkpoint=checkpoint,
            lag_events=max(0, head - checkpoint) if kept else 0,
            lag_seconds=round(max(0.0, waiting), 1),
            updated_at=updated,
            parked=sum(p.projection == name for p in parked),
            rebuild=RebuildProgress(rebuild.progress_position, rebuild.target_position)
            if rebuild
            else None,
            kept=kept,
        )

"""Use case: apply parked (dead-lettered) events again, on any node."""

from __future__ import annotations

from dataclasses import dataclass, field

from application.projections.drive_projections import DriveProjections
from application.projections.node_reach import NodeReach
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.nodes import ProjectionKey


@dataclass(frozen=True, slots=True)
class RetryOutcome:
    marked: int  # parked events asked to be applied again
    still_parked: int  # of their projections, parked once the retry was done
    # copies whose node is not running: their events are retried when it starts
    idle: list[ProjectionKey] = field(default_factory=list[ProjectionKey])


class RetryParked:
    """Marks parked events (of one projection, one event, one node) and waits until the
    projectors of every running node have tried them again; an event superseded by a later
    one is dropped, not re-applied."""

    def __init__(self, uow: UnitOfWorkFactory, drive: DriveProjections, reach: NodeReach) -> None:
        self._uow, self._drive, self._reach = uow, drive, reach

    async def __call__(
        self, projection: str | None = None, position: int | None = None, node: str | None = None
    ) -> RetryOutcome:
        async with self._uow() as uow:
            marked = await uow.parked.request_retry(projection, position, node)
            flagged = {p.key for p in await uow.parked.list() if p.retry_requested}
            await uow.commit()
        if not marked:
            return RetryOutcome(0, 0)
        reach = await self._reach.split(flagged)

        async def retried() -> bool:
            async with self._uow() as uow:
                waiting = {p.key for p in await uow.parked.list() if p.retry_requested}
            return all([not await self._reach.running(key) for key in waiting & flagged])

        await self._drive.until(retried, only=reach.here)
        async with self._uow() as uow:
            still = [p for p in await uow.parked.list() if p.key in flagged]
        return RetryOutcome(marked, len(still), sorted(reach.idle))

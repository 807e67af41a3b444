"""Use case: apply parked (dead-lettered) events again."""

from __future__ import annotations

from dataclasses import dataclass

from application.projections.drive_projections import DriveProjections
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class RetryOutcome:
    marked: int  # parked events asked to be applied again
    still_parked: int  # of their projections, parked once the retry was done


class RetryParked:
    """Marks parked events (of one projection, or one event) and waits until the projectors
    have tried them again; an event superseded by a later one is dropped, not re-applied."""

    def __init__(self, uow: UnitOfWorkFactory, drive: DriveProjections) -> None:
        self._uow, self._drive = uow, drive

    async def __call__(
        self, projection: str | None = None, position: int | None = None
    ) -> RetryOutcome:
        async with self._uow() as uow:
            marked = await uow.parked.request_retry(projection, position)
            flagged = {p.projection for p in await uow.parked.list() if p.retry_requested}
            await uow.commit()
        if not marked:
            return RetryOutcome(0, 0)

        async def retried() -> bool:
            async with self._uow() as uow:
                return not any(p.retry_requested for p in await uow.parked.list())

        await self._drive.until(retried, only=flagged)
        async with self._uow() as uow:
            still = [p for p in await uow.parked.list() if p.projection in flagged]
        return RetryOutcome(marked, len(still))

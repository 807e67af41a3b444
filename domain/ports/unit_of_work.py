from __future__ import annotations

import abc
from types import TracebackType
from typing import Self

from domain.ports.checkpoints import ProjectionCheckpoints
from domain.ports.event_log import EventLog
from domain.ports.parked_events import ParkedEvents
from domain.ports.projection_receipts import ProjectionReceipts
from domain.ports.replay_requests import ReplayRequests
from domain.ports.tracks import TrackRepository


class UnitOfWork(abc.ABC):
    """One transaction over the track rows, the event log and the projections' records.

    Leaving the `async with` block without `commit()` rolls everything back.
    """

    tracks: TrackRepository
    events: EventLog
    checkpoints: ProjectionCheckpoints
    parked: ParkedEvents
    receipts: ProjectionReceipts
    replays: ReplayRequests

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    @abc.abstractmethod
    async def commit(self) -> None: ...

    @abc.abstractmethod
    async def rollback(self) -> None: ...

"""Use case: keep every projection up to date until asked to stop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack

from application.projector import Projector
from domain.ports.event_notifier import EventNotifier
from domain.ports.projection_lock import ProjectionLock

log = logging.getLogger(__name__)


class RunProjections:
    """Owns each projection's lock, then applies new events as they are announced.

    A second worker waits on the locks and takes over if this one dies. Notifications
    wake it at once; the poll interval bounds the delay if one is ever lost.
    """

    def __init__(
        self,
        projectors: Sequence[Projector],
        lock: ProjectionLock,
        notifier: EventNotifier,
        poll_seconds: float = 5.0,
    ) -> None:
        self._projectors = projectors
        self._lock = lock
        self._notifier = notifier
        self._poll_seconds = poll_seconds

    async def __call__(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        async with AsyncExitStack() as stack:
            for projector in self._projectors:
                await stack.enter_async_context(self._lock.hold(projector.name))
            if ready is not None:
                ready.set()
            while not stop.is_set():
                for projector in self._projectors:
                    await self._catch_up(projector)
                waiter = asyncio.ensure_future(self._notifier.wait(self._poll_seconds))
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                for task in (waiter, stopper):
                    task.cancel()

    async def _catch_up(self, projector: Projector) -> None:
        # A failing store must not stop the other projections; this one retries at the
        # next wake-up, from its checkpoint, so nothing is skipped.
        try:
            await projector.catch_up()
        except Exception:
            log.exception("projection %s failed; retrying later", projector.name)

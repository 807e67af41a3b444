"""Use case: keep every projection up to date until asked to stop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Collection, Sequence
from contextlib import AsyncExitStack

from application.projections.projector import Projector
from domain.ports.event_notifier import EventNotifier
from domain.ports.projection_lock import ProjectionLock
from domain.ports.unit_of_work_factory import UnitOfWorkFactory

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 60.0


class LockLost(RuntimeError):
    """A projection's lock ended under its holder (the database restarted)."""


class RunProjections:
    """Owns each projection's lock, then applies new events as they are announced.

    A second worker waits on the locks and takes over if this one dies. Notifications
    wake it at once; the poll interval bounds the delay if one is ever lost. Rebuilds
    asked for with `outbox replay` are carried out here, by the lock holder, which is also
    the only process allowed to hold an embedded store open for writing.
    """

    def __init__(
        self,
        projectors: Sequence[Projector],
        lock: ProjectionLock,
        notifier: EventNotifier,
        uow: UnitOfWorkFactory,
        poll_seconds: float = 5.0,
    ) -> None:
        self._projectors = projectors
        self._lock = lock
        self._notifier = notifier
        self._uow = uow
        self._poll_seconds = poll_seconds
        self._failures: dict[str, int] = {}
        self._resume_at: dict[str, float] = {}

    @property
    def projectors(self) -> tuple[Projector, ...]:
        return tuple(self._projectors)

    @property
    def names(self) -> list[str]:
        """The projections this runner can apply (no embedding one without a model)."""
        return [projector.name for projector in self._projectors]

    @property
    def poll_seconds(self) -> float:
        return self._poll_seconds

    def only(self, names: Collection[str]) -> RunProjections:
        """A runner for just these of its projections, sharing the lock and the notifier."""
        chosen = [p for p in self._projectors if p.name in names]
        return RunProjections(chosen, self._lock, self._notifier, self._uow, self._poll_seconds)

    async def __call__(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        """Until `stop`, which ends it after the event in hand (see `Projector.catch_up`);
        a caller in a hurry may cancel it too (waiting for a lock, a rebuild, one long
        event): each event's checkpoint follows its write, so a cancelled event is applied
        again next time. An outage (the database down, the locks lost with its sessions)
        ends the round: the locks are released, and taken again once it is back."""
        outages = 0
        while not stop.is_set():
            try:
                await self._run_holding_locks(stop, ready)
            except Exception:
                outages += 1
                delay = min(MAX_BACKOFF_SECONDS, self._poll_seconds * 2 ** (outages - 1))
                log.exception("projections interrupted; taking the locks again in %.1f s", delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)

    async def _run_holding_locks(self, stop: asyncio.Event, ready: asyncio.Event | None) -> None:
        async with AsyncExitStack() as stack:
            for projector in self._projectors:
                await stack.enter_async_context(self._lock.hold(projector.key))
            if ready is not None:
                ready.set()
            while not stop.is_set():
                for projector in self._projectors:
                    if stop.is_set():
                        break
                    if not await self._lock.still_held(projector.key):
                        raise LockLost(f"the lock of projection {projector.key} was lost")
                    await self._serve(projector, stop)
                waiter = asyncio.ensure_future(self._notifier.wait(self._poll_seconds))
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
                for task in (waiter, stopper):
                    task.cancel()

    async def _serve(self, projector: Projector, stop: asyncio.Event) -> None:
        # A failing store must not stop the other projections; this one backs off and
        # resumes from its checkpoint, so nothing is skipped.
        if time.monotonic() < self._resume_at.get(projector.name, 0.0):
            return
        try:
            await self._rebuild_if_asked(projector)
            await projector.catch_up(stop)
        except Exception:
            failures = self._failures.get(projector.name, 0) + 1
            self._failures[projector.name] = failures
            delay = min(MAX_BACKOFF_SECONDS, self._poll_seconds * 2 ** (failures - 1))
            self._resume_at[projector.name] = time.monotonic() + delay
            log.exception("projection %s failed; retrying in %.0f s", projector.name, delay)
        else:
            self._failures.pop(projector.name, None)

    async def _rebuild_if_asked(self, projector: Projector) -> None:
        async with self._uow() as uow:
            request = await uow.replays.pending(projector.key)
        if request is None:
            return

        async def progress(position: int, target: int) -> None:
            async with self._uow() as uow:
                await uow.replays.progress(request.id, position, target)
                await uow.commit()

        log.info("rebuilding projection %s from the event log", projector.key)
        try:
            await projector.rebuild(progress)
        except Exception as error:
            async with self._uow() as uow:
                await uow.replays.finish(request.id, f"{type(error).__name__}: {error}")
                await uow.commit()
            raise
        async with self._uow() as uow:
            await uow.replays.finish(request.id)
            await uow.commit()

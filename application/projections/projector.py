"""Feeds one projection with the events after its checkpoint."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from application.projections.projection import Projection
from domain.events import INDEXING_EVENTS, StoredEvent
from domain.ports.unit_of_work import UnitOfWork
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.nodes import ProjectionKey
from domain.projections.records import Applied

log = logging.getLogger(__name__)
Progress = Callable[[int, int], Awaitable[None]]


class StoreUnavailable(RuntimeError):
    """The projection's store cannot take writes: stop here and retry later, park nothing."""


@dataclass(frozen=True, slots=True)
class _Outcome:
    applied: Applied | None = None
    error: str | None = None  # set when the event is to be parked


class Projector:
    """Applies events in log order and saves the checkpoint after each one.

    A crash between applying an event and saving its checkpoint re-applies that one event
    on restart; projections are idempotent, so the effect is applied exactly once. An event
    that keeps failing while the store itself is fine is parked (dead-lettered) and the
    projection goes on; if the store is down, nothing is parked and the caller retries
    later. The caller must hold the projection's lock (ProjectionLock).

    `node` says whose copy of the projection this is: the checkpoint, receipts and parked
    events are that copy's (a node's own index, or `DEFAULT_NODE` for a shared store).
    """

    def __init__(
        self,
        projection: Projection,
        uow: UnitOfWorkFactory,
        batch_size: int = 100,
        backoff_seconds: Sequence[float] = (0.2, 1.0),
        node: str | None = None,
    ) -> None:
        self.projection = projection
        self.key = (
            ProjectionKey(projection.name) if node is None else ProjectionKey(projection.name, node)
        )
        self._uow = uow
        self._batch_size = batch_size
        self._backoff = tuple(backoff_seconds)  # one retry per delay
        self._adoption_checked = False

    @property
    def name(self) -> str:
        return self.projection.name

    async def catch_up(self, stop: asyncio.Event | None = None) -> int:
        """Apply retried parked events, then everything new; returns events handled.

        Once `stop` is set it returns after the event in hand (its checkpoint saved), so
        a server stopping waits for one event, not for the whole backlog.
        """
        if not self._adoption_checked:
            await self._adopt_copied_store()
            self._adoption_checked = True
        handled = await self._retry_parked()
        while True:
            async with self._uow() as uow:
                position = await uow.checkpoints.get(self.key)
                batch = await uow.events.read_after(position, self._batch_size)
            if not batch:
                return handled
            for stored in batch:
                if stop is not None and stop.is_set():
                    return handled
                outcome = await self._apply(stored)
                async with self._uow() as uow:
                    await self._record(uow, stored, outcome)
                    await uow.checkpoints.save(self.key, stored.position)
                    await uow.commit()
                handled += 1

    async def _adopt_copied_store(self) -> None:
        """A copy that never saved a checkpoint, on a store that says how far into the log
        it holds (a new node started on a copy of a peer's index), resumes from there: its
        checkpoint is that position and its receipts what the store holds, instead of
        replaying the whole log into a store that has it already."""
        async with self._uow() as uow:
            if self.key in await uow.checkpoints.all():
                return
            head = await uow.events.head()
        position = await self.projection.applied_position()
        if position <= 0:
            return
        if position > head:  # a store from another log: replay into it instead
            log.warning("%s: its store says event %s, the log ends at %s", self.key, position, head)
            return
        held = await self.projection.track_counts()
        async with self._uow() as uow:
            for track_id, items in held.items():
                await uow.receipts.record(self.key, track_id, items, position)
            await uow.checkpoints.save(self.key, position)
            await uow.commit()
        log.info("%s: resuming at event %s, where its copied store ends", self.key, position)

    async def rebuild(self, progress: Progress | None = None) -> int:
        """Replay the whole log into a fresh store and swap it in; returns the new checkpoint.

        Searches keep reading the current store until the swap. The swap happens before
        the checkpoint moves, so a crash in between only re-applies events (idempotent).
        """
        await self.projection.begin_rebuild()
        try:
            position, receipts, parked = await self._replay_all(progress)
            await self.projection.finish_rebuild()
        except BaseException:
            await self.projection.abort_rebuild()
            raise
        async with self._uow() as uow:
            await uow.receipts.clear(self.key)
            for applied in receipts.values():
                await uow.receipts.record(self.key, applied.track_id, applied.items, position)
            for old in await uow.parked.list(self.key):
                await uow.parked.resolve(self.key, old.position)
            for at, error in parked:
                await uow.parked.park(self.key, at, error, self._attempts)
            await uow.checkpoints.save(self.key, position)
            await uow.commit()
        return position

    async def _replay_all(
        self, progress: Progress | None
    ) -> tuple[int, dict[UUID, Applied], list[tuple[int, str]]]:
        position = 0
        receipts: dict[UUID, Applied] = {}
        parked: list[tuple[int, str]] = []
        while True:
            async with self._uow() as uow:
                batch = await uow.events.read_after(position, self._batch_size)
                target = await uow.events.head()
            if not batch:
                return position, receipts, parked
            for stored in batch:
                outcome = await self._apply(stored)
                if outcome.error is not None:
                    parked.append((stored.position, outcome.error))
                elif outcome.applied is not None:
                    receipts[outcome.applied.track_id] = outcome.applied
                position = stored.position
            if progress is not None:
                await progress(position, max(target, position))

    async def _apply(self, stored: StoredEvent) -> _Outcome:
        """Apply with retries; a last failure parks the event unless the store is down."""
        for delay in self._backoff:
            try:
                return _Outcome(applied=await self.projection.apply(stored))
            except Exception as error:
                log.warning("%s: event %s failed (%s); retrying", self.name, stored.position, error)
                await asyncio.sleep(delay)
        try:
            return _Outcome(applied=await self.projection.apply(stored))
        except Exception as error:
            return await self._give_up(stored, error)

    @property
    def _attempts(self) -> int:
        return len(self._backoff) + 1

    async def _give_up(self, stored: StoredEvent, error: Exception) -> _Outcome:
        try:
            await self.projection.check()
        except Exception as outage:
            raise StoreUnavailable(f"{self.name} store unavailable: {outage}") from error
        log.error(
            "%s: parking event %s after %d attempts: %s",
            self.name,
            stored.position,
            self._attempts,
            error,
        )
        return _Outcome(error=f"{type(error).__name__}: {error}")

    async def _record(self, uow: UnitOfWork, stored: StoredEvent, outcome: _Outcome) -> None:
        if outcome.error is not None:
            await uow.parked.park(self.key, stored.position, outcome.error, self._attempts)
        elif outcome.applied is not None:
            applied = outcome.applied
            await uow.receipts.record(self.key, applied.track_id, applied.items, stored.position)

    async def _retry_parked(self) -> int:
        async with self._uow() as uow:
            wanted = [p for p in await uow.parked.list(self.key) if p.retry_requested]
        for parked in wanted:
            async with self._uow() as uow:
                [stored] = await uow.events.read_after(parked.position - 1, 1)
                latest = await uow.events.last_position_of(stored.event.track_id, INDEXING_EVENTS)
            superseded = latest is not None and latest > parked.position
            outcome = _Outcome() if superseded else await self._apply(stored)
            async with self._uow() as uow:
                if outcome.error is None:
                    await uow.parked.resolve(self.key, parked.position)
                await self._record(uow, stored, outcome)
                await uow.commit()
        return len(wanted)

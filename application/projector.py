"""Feeds one projection with the events after its checkpoint."""

from __future__ import annotations

from application.projections.projection import Projection
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class Projector:
    """Applies events in log order and saves the checkpoint after each one.

    A crash between applying an event and saving its checkpoint re-applies that one event
    on restart; projections are idempotent, so the effect is applied exactly once. The
    caller must hold the projection's lock (see ProjectionLock): one projector at a time.
    """

    def __init__(self, projection: Projection, uow: UnitOfWorkFactory, batch_size: int = 100):
        self.projection = projection
        self._uow = uow
        self._batch_size = batch_size

    @property
    def name(self) -> str:
        return self.projection.name

    async def catch_up(self) -> int:
        """Apply everything committed so far; returns how many events were applied."""
        applied = 0
        while True:
            async with self._uow() as uow:
                position = await uow.checkpoints.get(self.name)
                batch = await uow.events.read_after(position, self._batch_size)
            if not batch:
                return applied
            for stored in batch:
                await self.projection.apply(stored)
                async with self._uow() as uow:
                    await uow.checkpoints.save(self.name, stored.position)
                    await uow.commit()
                applied += 1

    async def lag(self) -> int:
        """Events committed but not yet applied."""
        async with self._uow() as uow:
            return max(0, await uow.events.head() - await uow.checkpoints.get(self.name))

from __future__ import annotations

from typing import Protocol

from domain.events import StoredEvent


class Projection(Protocol):
    """A read model built from the event log by a Projector.

    `apply` must be idempotent: after a crash the projector re-applies events above its
    last saved checkpoint, so applying an event twice must leave the same state as once.
    """

    @property
    def name(self) -> str:
        """Stable name; it keys the checkpoint and the cross-process lock."""
        ...

    async def apply(self, stored: StoredEvent) -> None:
        """Bring the read model up to date with one event (ignore types it does not use)."""
        ...

    async def reset(self) -> None:
        """Drop everything the projection holds, before a replay from scratch."""
        ...

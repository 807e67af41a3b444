from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.events import StoredEvent
from domain.projections.records import Applied


class Projection(Protocol):
    """A read model built from the event log by a Projector.

    `apply` must be idempotent: after a crash the projector re-applies events above its
    last saved checkpoint, so applying an event twice must leave the same state as once.
    """

    @property
    def name(self) -> str:
        """Stable name; it keys the checkpoint and the cross-process lock."""
        ...

    async def apply(self, stored: StoredEvent) -> Applied | None:
        """Bring the read model up to date with one event.

        Returns what it now holds for the event's track, or None for events it ignores.
        """
        ...

    async def applied_position(self) -> int:
        """How far into the log the store says it holds (0: it does not say). A store
        copied from a peer node says so; its new node adopts that position."""
        ...

    async def track_counts(self) -> dict[UUID, int]:
        """What the store holds per track (the receipts of an adopted copy)."""
        ...

    async def check(self) -> None:
        """Raise if the store cannot take writes at all (down, read-only, full).

        Tells a store outage (wait and retry everything) from a poison event (park it).
        """
        ...

    async def begin_rebuild(self) -> None:
        """Send writes to a fresh, empty store; reads keep using the current one."""
        ...

    async def finish_rebuild(self) -> None:
        """Make the rebuilt store the current one, atomically for readers; drop the old."""
        ...

    async def abort_rebuild(self) -> None:
        """Throw the half-built store away; the current one stays as it was."""
        ...

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class ProjectionStore(Protocol):
    """What every index that a projection keeps must offer: removal, health, an inventory,
    and rebuilds into a fresh generation swapped in atomically."""

    async def remove(self, track_id: UUID) -> None:
        """Forget a track exactly; removing an unknown track is not an error."""
        ...

    async def check(self) -> None:
        """Raise if the store cannot be read and written right now (used by health checks
        and to tell a store outage from a poison event)."""
        ...

    async def track_counts(self) -> dict[UUID, int]:
        """Every track held and its item count, read from the store itself (for verify)."""
        ...

    async def begin_rebuild(self) -> None:
        """Direct writes to a fresh, empty generation; reads keep the current one."""
        ...

    async def finish_rebuild(self) -> None:
        """Make the rebuilt generation current, atomically for every reader, even in other
        processes; then drop the old one."""
        ...

    async def abort_rebuild(self) -> None:
        """Drop the half-built generation; the current one is untouched."""
        ...

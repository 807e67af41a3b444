from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.projections.nodes import ProjectionKey


class ProjectionReceipts(Protocol):
    """What each node's projection reported holding per track when it applied an event.

    Written in the checkpoint's transaction; `outbox verify` compares it with what the
    stores really hold.
    """

    async def record(
        self, projection: ProjectionKey, track_id: UUID, items: int | None, position: int
    ) -> None:
        """`items` None: the projection holds nothing for the track any more (deleted)."""
        ...

    async def for_projection(self, projection: ProjectionKey) -> dict[UUID, int]:
        """Tracks the projection holds and how many items each (0 is valid: silence)."""
        ...

    async def clear(self, projection: ProjectionKey) -> None: ...

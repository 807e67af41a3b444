from __future__ import annotations

from typing import Protocol

from domain.projections.nodes import ProjectionKey
from domain.projections.records import ParkedEvent


class ParkedEvents(Protocol):
    """The dead-letter list: events a node's projection could not apply, with their error."""

    async def park(
        self, projection: ProjectionKey, position: int, error: str, attempts: int
    ) -> None:
        """Record (or update) a parked event; its retry request, if any, is cleared."""
        ...

    async def list(self, projection: ProjectionKey | None = None) -> list[ParkedEvent]:
        """Parked events, oldest first, of one node's projection or of all."""
        ...

    async def request_retry(
        self, projection: str | None = None, position: int | None = None, node: str | None = None
    ) -> int:
        """Mark parked events (of a projection name, a position, a node: None is any) for
        another attempt; returns how many were marked."""
        ...

    async def resolve(self, projection: ProjectionKey, position: int) -> None:
        """Forget a parked event: applied at last, or superseded by a later event."""
        ...

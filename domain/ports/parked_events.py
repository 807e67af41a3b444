from __future__ import annotations

from typing import Protocol

from domain.projections.records import ParkedEvent


class ParkedEvents(Protocol):
    """The dead-letter list: events a projection could not apply, kept with their error."""

    async def park(self, projection: str, position: int, error: str, attempts: int) -> None:
        """Record (or update) a parked event; its retry request, if any, is cleared."""
        ...

    async def list(self, projection: str | None = None) -> list[ParkedEvent]:
        """Parked events, oldest first, of one projection or all."""
        ...

    async def request_retry(
        self, projection: str | None = None, position: int | None = None
    ) -> int:
        """Mark parked events for another attempt; returns how many were marked."""
        ...

    async def resolve(self, projection: str, position: int) -> None:
        """Forget a parked event: applied at last, or superseded by a later event."""
        ...

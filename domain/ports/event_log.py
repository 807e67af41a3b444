from __future__ import annotations

from collections.abc import Collection
from typing import Protocol
from uuid import UUID

from domain.events import DomainEvent, StoredEvent


class EventLog(Protocol):
    """The append-only event log, the source of truth from which projections are built."""

    async def append(self, event: DomainEvent) -> None:
        """Append inside the current unit of work; the event exists once it commits.

        Positions become visible in increasing order: a reader that saw position N will
        never later see a committed event below N.
        """
        ...

    async def read_after(self, position: int, limit: int) -> list[StoredEvent]:
        """Committed events with a position above `position`, oldest first."""
        ...

    async def last_position_of(
        self, track_id: UUID, types: Collection[str] | None = None
    ) -> int | None:
        """Position of the newest committed event about `track_id` (of one of `types`, when
        given: e.g. `INDEXING_EVENTS`), None if there is none."""
        ...

    async def latest_positions(self, types: Collection[str] | None = None) -> dict[UUID, int]:
        """For every track the log mentions, the position of its newest event (of `types`)."""
        ...

    async def head(self) -> int:
        """Position of the newest committed event (0 for an empty log)."""
        ...

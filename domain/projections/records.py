"""What the event log keeps about its projections besides checkpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.projections.nodes import DEFAULT_NODE, ProjectionKey


@dataclass(frozen=True, slots=True)
class ParkedEvent:
    """An event a projection gave up on after retries; the projection went on without it."""

    projection: str
    position: int
    error: str
    attempts: int
    parked_at: datetime
    retry_requested: bool = False
    node: str = DEFAULT_NODE

    @property
    def key(self) -> ProjectionKey:
        return ProjectionKey(self.projection, self.node)


@dataclass(frozen=True, slots=True)
class ReplayRequest:
    """A request to rebuild one node's copy of a projection from the whole log, and how far
    it got."""

    id: int
    projection: str
    requested_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    progress_position: int = 0
    target_position: int = 0
    error: str | None = None
    node: str = DEFAULT_NODE

    @property
    def key(self) -> ProjectionKey:
        return ProjectionKey(self.projection, self.node)

    @property
    def done(self) -> bool:
        return self.finished_at is not None


@dataclass(frozen=True, slots=True)
class Applied:
    """What a projection holds for a track after applying an event to it.

    `items` counts what it stored (hashes, chunks; 0 is a valid answer for silence);
    None means it holds nothing for the track any more (it was deleted).
    """

    track_id: UUID
    items: int | None

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.projections.nodes import ProjectionKey


class ProjectionCheckpoints(Protocol):
    """The last event position each copy of a projection (per node) has applied."""

    async def get(self, projection: ProjectionKey) -> int:
        """0 when that copy has never run (a new node starts from the log's beginning)."""
        ...

    async def save(self, projection: ProjectionKey, position: int) -> None: ...

    async def all(self) -> dict[ProjectionKey, tuple[int, datetime]]:
        """Every node's checkpoint of every projection, and when it last moved."""
        ...

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class ProjectionCheckpoints(Protocol):
    """The last event position each projection has applied."""

    async def get(self, projection: str) -> int:
        """0 when the projection has never run."""
        ...

    async def save(self, projection: str, position: int) -> None: ...

    async def all(self) -> dict[str, tuple[int, datetime]]:
        """Every projection's checkpoint and when it last moved."""
        ...

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from domain.projections.nodes import ProjectionKey


class ProjectionLock(Protocol):
    """Ensures one projector per copy of a projection (per node) across every process
    sharing the event log."""

    def hold(self, projection: ProjectionKey) -> AbstractAsyncContextManager[None]:
        """Wait until this process owns `projection`, and own it until the block ends."""
        ...

    async def still_held(self, projection: ProjectionKey) -> bool:
        """Whether this process still owns `projection` (a database restart ends the
        session that held it, and another process may own it now)."""
        ...

    async def held_anywhere(self, projection: ProjectionKey) -> bool:
        """Whether some process owns `projection` now: that node is running, so a request
        addressed to it will be carried out."""
        ...

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol


class ProjectionLock(Protocol):
    """Ensures one projector per projection across every process sharing the event log."""

    def hold(self, projection: str) -> AbstractAsyncContextManager[None]:
        """Wait until this process owns `projection`, and own it until the block ends."""
        ...

    async def still_held(self, projection: str) -> bool:
        """Whether this process still owns `projection` (a database restart ends the
        session that held it, and another process may own it now)."""
        ...

from __future__ import annotations

import asyncio
import contextlib

from adapters.memory.database import InMemoryDatabase


class InMemoryEventNotifier:
    """Woken by in-memory commits that appended events."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self._event = asyncio.Event()
        db.waiters.append(self._event)

    async def wait(self, timeout: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        notified = self._event.is_set()
        self._event.clear()
        return notified

from __future__ import annotations

from typing import Protocol


class EventNotifier(Protocol):
    """Wakes projectors when new events are committed."""

    async def wait(self, timeout: float) -> bool:
        """Return True when notified of new events, False when `timeout` passed first."""
        ...

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class LoginFailures(Protocol):
    """Failed sign-ins by key (an account, a client address), for the login rate limit.

    Only failures newer than the window matter; an adapter may forget older ones.
    """

    async def recent(self, key: str, since: datetime) -> Sequence[datetime]:
        """The failures recorded for `key` after `since`, oldest first."""
        ...

    async def record(self, key: str, at: datetime) -> None: ...

    async def clear(self, key: str) -> None:
        """Forget `key`'s failures (after a successful sign-in to that account)."""
        ...

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the current time (timezone-aware UTC); a port so tests can fix it."""

    def now(self) -> datetime: ...

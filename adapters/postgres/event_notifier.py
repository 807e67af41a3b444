from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg  # type: ignore[import-untyped]

CHANNEL = "audio_ident_events"  # the events table's insert trigger notifies on it


class PostgresEventNotifier:
    """LISTENs for committed events on its own connection; polling covers lost wake-ups."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._conn: Any = None
        self._event = asyncio.Event()

    async def _ensure_listening(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            return
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            self._conn = await asyncpg.connect(self._dsn)
            await self._conn.add_listener(CHANNEL, self._on_notify)

    def _on_notify(self, *_: object) -> None:
        self._event.set()

    async def wait(self, timeout: float) -> bool:
        await self._ensure_listening()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)
        notified = self._event.is_set()
        self._event.clear()
        return notified

    async def close(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            await self._conn.close()

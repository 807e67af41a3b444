"""The uvicorn server that `serve` runs (its own module: uvicorn is imported only to serve)."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import uvicorn


class AnnouncingServer(uvicorn.Server):
    """uvicorn's server, saying when it accepts requests (after the lifespan started)."""

    def __init__(self, config: uvicorn.Config, on_ready: Callable[[], Awaitable[None]]) -> None:
        super().__init__(config)
        self._on_ready = on_ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            await self._on_ready()

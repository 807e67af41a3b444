"""A request body must arrive within UPLOAD_TIMEOUT_SECONDS, however slowly it trickles.

uvicorn bounds idle connections, not a body sent one byte a second (slowloris), which
would hold a connection and its spool file for as long as the client likes. This wrapper
bounds the time from the request's start to its last body byte: past it the app's read
fails with 408 REQUEST_TIMEOUT (the usual error envelope). Once the body is complete, later
reads (a streaming response listening for the disconnect) are not bounded.
"""

from __future__ import annotations

import asyncio

from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send


class BodyDeadlineMiddleware:
    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self._app, self._seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._seconds
        complete = False

        async def bounded_receive() -> ReceiveMessage:
            nonlocal complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise HTTPException(
                    status_code=408,
                    detail=f"the request body did not arrive within {self._seconds:g} s",
                ) from None
            complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await self._app(scope, bounded_receive, send)

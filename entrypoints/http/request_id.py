"""X-Request-ID on every response (404s and 500s included) and on every log line."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import structlog
from litestar.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
_RAW_HEADER = HEADER.encode("latin-1")  # ASGI header names are lower-case bytes
# A client's id is kept only if it is short and plain, so it cannot forge log lines.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
log = structlog.get_logger("audio_ident.http")


def request_id_of(scope: Scope | dict[str, Any]) -> str:
    """The id of the request being served (set by RequestIdMiddleware)."""
    return str(scope.get("state", {}).get("request_id", ""))


class RequestIdMiddleware:
    """Outermost ASGI wrapper: Litestar's route middleware never sees unmatched paths."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request_id = _incoming(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id  # type: ignore[typeddict-item]
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != _RAW_HEADER
                ]
                headers.append((_RAW_HEADER, request_id.encode()))
                message["headers"] = headers
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self._app(scope, receive, send_with_id)
            finally:
                log.info(
                    "request",
                    method=scope.get("method"),
                    path=scope.get("path"),
                    status=status,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )


def _incoming(scope: Scope) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == _RAW_HEADER:
            text = value.decode("latin-1").strip()
            return text if _ACCEPTABLE.fullmatch(text) else None
    return None

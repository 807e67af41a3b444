"""A refused upload's body, read and thrown away before the refusal is answered.

An HTTP/1.1 client sends its whole body before it reads the answer. Answered and closed
while the body is still coming, the connection is reset under it: the client gets a
broken pipe and never reads the 503 or its Retry-After. So the body is read and dropped
(nothing is kept or spooled), up to a bound; a client that sent `Expect: 100-continue`
is answered before it sends the body (the server has not said "100 Continue"), and the
connection is closed after either answer (`Connection: close` on the refusal).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException

DISCARD_LIMIT_BYTES = 64 * 1024 * 1024  # past this a refused upload is cut off, as before


def expects_continue(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    return connection.headers.get("expect", "").lower() == "100-continue"


async def discard_body(connection: ASGIConnection[Any, Any, Any, Any]) -> int:
    """Read the request body to its end and drop it; the bytes read. Stops early (the
    close then cuts the rest) past DISCARD_LIMIT_BYTES, announced or read, when the body
    stops coming within the upload deadline (BodyDeadlineMiddleware), or when the client
    has gone."""
    if expects_continue(connection):
        return 0  # reading would send "100 Continue" and ask for the body
    announced = connection.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > DISCARD_LIMIT_BYTES:
        return 0
    read = 0
    while read <= DISCARD_LIMIT_BYTES:
        try:
            message = await connection.receive()
        except HTTPException:  # the upload deadline passed
            return read
        if message["type"] != "http.request":
            return read  # the client went away
        read += len(message.get("body", b""))
        if not message.get("more_body", False):
            return read
    return read

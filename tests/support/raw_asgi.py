"""A request whose body arrives in pieces, straight to the ASGI app (the test client would
buffer it), counting how many pieces the app asked for."""

from __future__ import annotations

from typing import Any

from litestar import Litestar


async def post_in_pieces(
    app: Litestar, path: str, pieces: list[bytes], headers: list[tuple[bytes, bytes]]
) -> tuple[int, int]:
    """(response status, pieces the app read) for a POST without Content-Length."""
    received: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        received.append(len(received))
        index = received[-1]
        if index >= len(pieces):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": pieces[index], "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
        "state": {},
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    return int(sent[0]["status"]), len(received)


def multipart_pieces(field: str, filename: str, megabytes: int) -> list[bytes]:
    """The head of a multipart file part, then `megabytes` MiB of it in 64 KiB pieces."""
    head = f'--b\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n\r\n'
    return [head.encode()] + [b"x" * 65536] * (16 * megabytes)


MULTIPART = (b"content-type", b"multipart/form-data; boundary=b")

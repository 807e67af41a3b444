"""Network sources for stream tests: HTTP servers that die in the middle of a file, or drop
a connection and then serve again, and an address where nothing listens."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Reply:
    """One connection's answer: `payload` announced whole (Content-Length), but only its
    first `sent` bytes sent (all of them when None) before the connection is closed."""

    payload: bytes
    sent: int | None = None
    content_type: str = "audio/mpeg"


@contextlib.contextmanager
def scripted_server(replies: list[Reply], name: str = "radio.mp3") -> Iterator[str]:
    """Answers the n-th connection with `replies[n]`; after the last one, the port is closed
    and further connections are refused (a station gone for good)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(len(replies))

    def serve() -> None:
        with contextlib.suppress(OSError):
            for reply in replies:
                connection, _ = listener.accept()
                with connection:
                    connection.recv(65536)
                    head = (
                        f"HTTP/1.1 200 OK\r\nContent-Type: {reply.content_type}\r\n"
                        f"Content-Length: {len(reply.payload)}\r\nConnection: close\r\n\r\n"
                    )
                    connection.sendall(head.encode() + reply.payload[: reply.sent])
            listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/{name}"
    finally:
        listener.close()
        thread.join(5)


@contextlib.contextmanager
def dying_server(payload: bytes, sent: int, name: str = "radio.wav") -> Iterator[str]:
    """Serves `payload` once, announcing all of it, but drops the connection after `sent`
    bytes (what a radio stream whose server goes away looks like to its listener)."""
    with scripted_server([Reply(payload, sent, "audio/wav")], name) as url:
        yield url


def closed_port_url(name: str = "stream.mp3") -> str:
    """An address on this machine where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"

"""Network sources for stream tests: an HTTP server that dies in the middle of a file."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def dying_server(payload: bytes, sent: int, name: str = "radio.wav") -> Iterator[str]:
    """Serves `payload` once, announcing all of it, but drops the connection after `sent`
    bytes (what a radio stream whose server goes away looks like to its listener)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                head = (
                    f"HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: {len(payload)}"
                )
                connection.sendall(head.encode() + b"\r\n\r\n" + payload[:sent])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/{name}"
    finally:
        listener.close()
        thread.join(5)

"""The socket `serve` listens on, bound before anything starts, and the URL to open.

uvicorn binds only after the lifespan started (migrations, the CLAP model, the
projectors): a port in use was found half a minute in, and said as a bare errno. Bound
first, it is refused at once, in a sentence.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ANY_ADDRESS = ("0.0.0.0", "::", "")


class PortUnavailable(RuntimeError):
    """The address cannot be listened on; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Address:
    host: str
    port: int
    tls: bool

    @property
    def url(self) -> str:
        """The URL to open: on this machine when listening on every address."""
        scheme = "https" if self.tls else "http"
        host = "localhost" if self.host in ANY_ADDRESS else self.host
        shown = f"[{host}]" if ":" in host else host
        return f"{scheme}://{shown}:{self.port}/"

    @property
    def hint(self) -> str:
        """How other machines reach it, when they can; else nothing."""
        if self.host not in ANY_ADDRESS:
            return ""
        scheme = "https" if self.tls else "http"
        return f"from other devices {scheme}://{socket.gethostname()}:{self.port}/; "


@contextmanager
def listening_socket(host: str, port: int) -> Iterator[socket.socket]:
    """A TCP socket bound to host:port (uvicorn listens on it), closed at the end."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            sock.bind((host, port))
        except OSError as error:
            raise PortUnavailable(_said(host, port, error)) from None
        yield sock
    finally:
        sock.close()


def _said(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} is already in use: another program listens on {host}:{port}; "
            "use --port (or SERVICE_PORT) to pick another, or stop the other process"
        )
    if error.errno == errno.EACCES:
        return (
            f"cannot listen on port {port}: ports below 1024 need root; "
            "use --port (or SERVICE_PORT) to pick another"
        )
    return f"cannot listen on {host}:{port}: {error.strerror or error}; check --host and --port"

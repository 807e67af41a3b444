"""What ffmpeg says when a network input fails, in words; and the options a URL input gets.

ffmpeg reports a network failure as lines on stderr (`[tcp @ 0x…] Connection to tcp://…
failed: Connection refused`, then `http://…: Connection refused`) and, once audio has
flowed, often exits 0 all the same. These lines are matched here, so the stream adapter can
raise a typed error with one sentence instead of passing ffmpeg's own lines on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# (what ffmpeg prints, what it means), most specific first; ffmpeg's messages are stable
# strerror texts and its own http/tcp/tls messages.
_REASONS = (
    ("Connection refused", "the connection was refused"),
    ("Failed to resolve hostname", "the host name is unknown"),
    ("Name or service not known", "the host name is unknown"),
    ("Temporary failure in name resolution", "the host name cannot be looked up"),
    ("Network is unreachable", "the network is unreachable"),
    ("No route to host", "there is no route to the host"),
    ("Connection timed out", "the connection timed out"),
    ("Operation timed out", "the connection timed out"),
    ("Connection reset by peer", "the server reset the connection"),
    ("Stream ends prematurely", "the server ended the connection early"),
    ("Broken pipe", "the connection was lost"),
)
_HTTP_ERROR = re.compile(r"Server returned (\d{3}.*)$")


def url_input_options(stall_seconds: float) -> list[str]:
    """Input options for a URL: a read or connect that waits longer than `stall_seconds`
    fails (`rw_timeout`, in microseconds), so a server that stops sending without closing
    the connection counts as a drop instead of hanging the monitor forever."""
    return ["-rw_timeout", str(max(1, round(stall_seconds * 1_000_000)))]


def network_reason(lines: Sequence[str]) -> str | None:
    """Why a network input failed, in words, from ffmpeg's stderr lines; None when they
    name no network failure (the input was reached and is, say, not audio)."""
    for line in reversed(lines):
        if found := _HTTP_ERROR.search(line):
            return f"the server answered {found.group(1).strip()}"
        for said, meaning in _REASONS:
            if said in line:
                return meaning
        if line.startswith("[tls @"):  # OpenSSL or GnuTLS: a handshake or certificate
            return "the secure connection (TLS) failed"
    return None

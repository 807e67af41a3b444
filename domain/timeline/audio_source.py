"""Where a stream of audio comes from: a file, standard input, a URL, or bytes as they arrive."""

from __future__ import annotations

from collections.abc import AsyncIterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FileSource:
    path: Path

    def __str__(self) -> str:
        return str(self.path)


@dataclass(frozen=True, slots=True)
class UrlSource:
    """Anything the decoder opens by address (an HTTP radio stream, say). Nothing arriving
    for `stall_seconds` (a server that stops sending but keeps the connection open) counts
    as the connection dropping."""

    url: str
    stall_seconds: float = 20.0

    def __str__(self) -> str:
        return self.url


@dataclass(frozen=True, slots=True)
class StandardInput:
    """This process's standard input, in any format the decoder reads."""

    def __str__(self) -> str:
        return "-"


@dataclass(frozen=True, slots=True, eq=False)
class ByteChunks:
    """Encoded audio handed over piece by piece (a browser's MediaRecorder chunks).

    The iterable ends when the input does; if it raises instead, the input broke off.
    """

    chunks: AsyncIterable[bytes]
    name: str = "stream"

    def __str__(self) -> str:
        return self.name


AudioSource = FileSource | UrlSource | StandardInput | ByteChunks

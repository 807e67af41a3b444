"""HTTP Range for file downloads: one `bytes=` range (RFC 9110 §14)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SINGLE = re.compile(r"bytes=(\d*)-(\d*)")


class RangeNotSatisfiable(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(f"the file has {size} bytes")
        self.size = size


@dataclass(frozen=True, slots=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range asked for, None to send the whole file.

    Malformed or multi-range headers are ignored (a server may always answer 200 with the
    whole file); a range wholly past the end raises RangeNotSatisfiable (416).
    """
    if not header:
        return None
    match = _SINGLE.fullmatch(header.strip().replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        if int(last) == 0:
            raise RangeNotSatisfiable(size)
        return ByteRange(max(0, size - int(last)), size - 1) if size else _unsatisfiable(size)
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None  # invalid: ignore
    if start >= size:
        raise RangeNotSatisfiable(size)
    return ByteRange(start, end)


def _unsatisfiable(size: int) -> ByteRange:
    raise RangeNotSatisfiable(size)

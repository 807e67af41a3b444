"""Facts about an input file read before any decoding."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceFile:
    size: int
    sha256: str

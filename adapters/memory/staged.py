"""Writes held back until the in-memory unit of work commits."""

from __future__ import annotations

from collections.abc import Callable


class Staged:
    """Base of the simple in-memory stores: reads see committed state, writes wait."""

    def __init__(self) -> None:
        self._ops: list[Callable[[], None]] = []

    def stage(self, operation: Callable[[], None]) -> None:
        self._ops.append(operation)

    def apply(self) -> None:
        for operation in self._ops:
            operation()
        self._ops.clear()

    def discard(self) -> None:
        self._ops.clear()

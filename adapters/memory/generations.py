"""The in-memory twins' version of rebuilds: a live generation and one being built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

G = TypeVar("G")


class InMemoryGenerations(Generic[G]):
    """Reads use `_live`; writes go to `_target` (the generation being built, if any).

    Also the twins' health switch: set `broken` and `check` reports an unusable store.
    """

    def __init__(self, fresh: Callable[[], G]) -> None:
        self._fresh = fresh
        self._live: G = fresh()
        self._building: G | None = None
        self.broken = False

    @property
    def _target(self) -> G:
        return self._live if self._building is None else self._building

    async def check(self) -> None:
        if self.broken:
            raise OSError(f"{type(self).__name__} is marked broken")

    async def begin_rebuild(self) -> None:
        self._building = self._fresh()

    async def finish_rebuild(self) -> None:
        if self._building is None:
            raise RuntimeError("no rebuild in progress")
        self._live, self._building = self._building, None

    async def abort_rebuild(self) -> None:
        self._building = None

"""A projection's store seen only for what it holds (verify needs no model to count)."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class _Counting(Protocol):
    async def track_counts(self) -> dict[UUID, int]: ...


class StoreInventory:
    def __init__(self, name: str, store: _Counting) -> None:
        self._name = name
        self._store = store

    @property
    def name(self) -> str:
        return self._name

    async def inventory(self) -> dict[UUID, int]:
        return await self._store.track_counts()

from __future__ import annotations

from uuid import UUID

from adapters.memory.database import InMemoryDatabase
from adapters.memory.staged import Staged
from domain.projections.nodes import ProjectionKey


class InMemoryProjectionReceipts(Staged):
    def __init__(self, db: InMemoryDatabase) -> None:
        super().__init__()
        self._db = db

    async def record(
        self, projection: ProjectionKey, track_id: UUID, items: int | None, position: int
    ) -> None:
        def write() -> None:
            held = self._db.receipts.setdefault(projection, {})
            if items is None:
                held.pop(track_id, None)
            else:
                held[track_id] = items

        self.stage(write)

    async def for_projection(self, projection: ProjectionKey) -> dict[UUID, int]:
        return dict(self._db.receipts.get(projection, {}))

    async def clear(self, projection: ProjectionKey) -> None:
        self.stage(lambda: self._db.receipts.pop(projection, None))  # type: ignore[func-returns-value]

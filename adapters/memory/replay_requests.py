from __future__ import annotations

import dataclasses

from adapters.memory.database import InMemoryDatabase
from adapters.memory.staged import Staged
from domain.ports.clock import Clock
from domain.projections.nodes import ProjectionKey
from domain.projections.records import ReplayRequest


class InMemoryReplayRequests(Staged):
    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        super().__init__()
        self._db = db
        self._clock = clock
        self._requested: dict[ProjectionKey, ReplayRequest] = {}

    async def request(self, projection: ProjectionKey) -> int:
        waiting = await self.pending(projection) or self._requested.get(projection)
        if waiting is not None:
            return waiting.id
        # Ids as an identity column gives them: distinct within one transaction too.
        number = len(self._db.replays) + len(self._requested) + 1
        request = ReplayRequest(number, projection.name, self._clock.now(), node=projection.node)
        self._requested[projection] = request
        self.stage(lambda: self._db.replays.__setitem__(request.id, request))
        return request.id

    def apply(self) -> None:
        super().apply()
        self._requested.clear()

    def discard(self) -> None:
        super().discard()
        self._requested.clear()

    async def get(self, request_id: int) -> ReplayRequest | None:
        return self._db.replays.get(request_id)

    async def pending(self, projection: ProjectionKey) -> ReplayRequest | None:
        waiting = [r for r in self._db.replays.values() if r.key == projection and not r.done]
        return min(waiting, key=lambda r: r.id, default=None)

    async def progress(self, request_id: int, position: int, target: int) -> None:
        def write() -> None:
            held = self._db.replays[request_id]
            started = held.started_at or self._clock.now()
            self._db.replays[request_id] = dataclasses.replace(
                held, started_at=started, progress_position=position, target_position=target
            )

        self.stage(write)

    async def finish(self, request_id: int, error: str | None = None) -> None:
        def write() -> None:
            held = self._db.replays[request_id]
            self._db.replays[request_id] = dataclasses.replace(
                held, finished_at=self._clock.now(), error=error
            )

        self.stage(write)

from __future__ import annotations

import dataclasses

from adapters.memory.database import InMemoryDatabase
from adapters.memory.staged import Staged
from domain.ports.clock import Clock
from domain.projections.records import ReplayRequest


class InMemoryReplayRequests(Staged):
    def __init__(self, db: InMemoryDatabase, clock: Clock) -> None:
        super().__init__()
        self._db = db
        self._clock = clock

    async def request(self, projection: str) -> int:
        waiting = await self.pending(projection)
        if waiting is not None:
            return waiting.id
        request = ReplayRequest(len(self._db.replays) + 1, projection, self._clock.now())
        self.stage(lambda: self._db.replays.__setitem__(request.id, request))
        return request.id

    async def get(self, request_id: int) -> ReplayRequest | None:
        return self._db.replays.get(request_id)

    async def pending(self, projection: str) -> ReplayRequest | None:
        waiting = [
            r for r in self._db.replays.values() if r.projection == projection and not r.done
        ]
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

"""A projection for tests, and its own store: live track ids with item counts, generations,
failures on demand."""

from __future__ import annotations

from uuid import UUID

from domain.events import StoredEvent, TrackDeleted, indexing_request
from domain.projections.records import Applied


class RecordingProjection:
    def __init__(self, name: str = "recording") -> None:
        self._name = name
        self.live: dict[UUID, int] = {}
        self.applied: list[int] = []
        self.fail_at: set[int] = set()
        self.store_down = False
        self.building: dict[UUID, int] | None = None
        self.generations = 0
        self.copied_up_to = 0  # a store copied from a peer: how far into the log it says it holds

    @property
    def name(self) -> str:
        return self._name

    async def apply(self, stored: StoredEvent) -> Applied | None:
        if self.store_down or stored.position in self.fail_at:
            raise RuntimeError(f"cannot apply event {stored.position}")
        self.applied.append(stored.position)
        target = self.live if self.building is None else self.building
        request = indexing_request(stored.event, self._name)
        if request is not None:
            target[request.track_id] = 10
            return Applied(request.track_id, 10)
        if isinstance(stored.event, TrackDeleted):
            target.pop(stored.event.track_id, None)
            return Applied(stored.event.track_id, None)
        return None

    async def check(self) -> None:
        if self.store_down:
            raise ConnectionError("store is down")

    async def applied_position(self) -> int:
        return self.copied_up_to

    async def track_counts(self) -> dict[UUID, int]:
        return dict(self.live)

    async def begin_rebuild(self) -> None:
        self.building = {}

    async def finish_rebuild(self) -> None:
        assert self.building is not None
        self.live, self.building = self.building, None
        self.generations += 1

    async def abort_rebuild(self) -> None:
        self.building = None

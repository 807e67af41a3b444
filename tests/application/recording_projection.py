"""A projection for tests: a set of live track ids, with failures on demand."""

from __future__ import annotations

from uuid import UUID

from domain.events import StoredEvent, TrackDeleted, TrackIngested


class RecordingProjection:
    def __init__(self, name: str = "recording") -> None:
        self._name = name
        self.live: set[UUID] = set()
        self.applied: list[int] = []
        self.fail_at: set[int] = set()

    @property
    def name(self) -> str:
        return self._name

    async def apply(self, stored: StoredEvent) -> None:
        if stored.position in self.fail_at:
            raise RuntimeError(f"store unavailable at event {stored.position}")
        self.applied.append(stored.position)
        if isinstance(stored.event, TrackIngested):
            self.live.add(stored.event.track_id)
        elif isinstance(stored.event, TrackDeleted):
            self.live.discard(stored.event.track_id)

    async def reset(self) -> None:
        self.live.clear()

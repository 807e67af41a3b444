"""The shared state behind the in-memory unit of work (what Postgres holds for real)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.events import StoredEvent
from domain.library.track import Track
from domain.projections.nodes import ProjectionKey
from domain.projections.records import ParkedEvent, ReplayRequest


@dataclass
class InMemoryDatabase:
    tracks: dict[UUID, Track] = field(default_factory=dict[UUID, Track])
    terms: dict[int, set[UUID]] = field(default_factory=dict[int, set[UUID]])
    events: list[StoredEvent] = field(default_factory=list[StoredEvent])
    checkpoints: dict[ProjectionKey, tuple[int, datetime]] = field(
        default_factory=dict[ProjectionKey, tuple[int, datetime]]
    )
    parked: dict[tuple[ProjectionKey, int], ParkedEvent] = field(
        default_factory=dict[tuple[ProjectionKey, int], ParkedEvent]
    )
    receipts: dict[ProjectionKey, dict[UUID, int]] = field(
        default_factory=dict[ProjectionKey, dict[UUID, int]]
    )
    replays: dict[int, ReplayRequest] = field(default_factory=dict[int, ReplayRequest])
    catalog_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiters: list[asyncio.Event] = field(default_factory=list[asyncio.Event])

    def announce_events(self) -> None:
        for waiter in self.waiters:
            waiter.set()

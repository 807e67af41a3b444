"""Domain events: the append-only log from which every index is projected."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """Something that happened to a track. Subclasses are plain data with a stable type name."""

    type_name: ClassVar[str] = "DomainEvent"
    track_id: UUID

    def payload(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            key: str(value) if isinstance(value, UUID) else value for key, value in data.items()
        }


@dataclass(frozen=True, slots=True)
class TrackIngested(DomainEvent):
    """A track row and its stored audio were committed; indexes should now learn it.

    `prints_key` names the track's stored reference landmarks (a PrintStore key); events
    logged before prints were stored have none, and their audio is decoded again."""

    type_name: ClassVar[str] = "TrackIngested"
    storage_key: str
    duration_seconds: float
    prints_key: str | None = None


@dataclass(frozen=True, slots=True)
class TrackDeleted(DomainEvent):
    """A track left the library; indexes must forget it."""

    type_name: ClassVar[str] = "TrackDeleted"
    storage_key: str


@dataclass(frozen=True, slots=True)
class TrackReindexRequested(DomainEvent):
    """An index lost or mangled a track (found by `outbox verify`); it should index it again.

    `projection` names the index that drifted; the others ignore the event.
    """

    type_name: ClassVar[str] = "TrackReindexRequested"
    storage_key: str
    duration_seconds: float
    projection: str


@dataclass(frozen=True, slots=True)
class TrackSourceReplaced(DomainEvent):
    """A better copy of the recording now stands for the track (same id, same history):
    every index re-indexes it from `storage_key`, as for a new track. `replaced_storage_key`
    is the file it replaces (removed once this commits); `reason` why the new one is kept
    (lossless, higher bitrate, longer); `prints_key` the new copy's stored landmarks."""

    type_name: ClassVar[str] = "TrackSourceReplaced"
    storage_key: str
    duration_seconds: float
    replaced_storage_key: str
    reason: str
    prints_key: str | None = None


@dataclass(frozen=True, slots=True)
class TrackRetitled(DomainEvent):
    """An admin changed the track's names. The indexes hold no names (searches join the
    track rows), so they ignore it; it keeps the track's history in the log."""

    type_name: ClassVar[str] = "TrackRetitled"
    title: str
    artist: str | None
    album: str | None


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.type_name: cls
    for cls in (
        TrackIngested,
        TrackDeleted,
        TrackReindexRequested,
        TrackSourceReplaced,
        TrackRetitled,
    )
}
# The events that change what an index holds for a track: a later one supersedes an
# earlier one (a parked TrackIngested of a track deleted since is dropped, not retried).
INDEXING_EVENTS = frozenset(
    cls.type_name
    for cls in (TrackIngested, TrackDeleted, TrackReindexRequested, TrackSourceReplaced)
)


def indexing_request(event: DomainEvent, projection: str) -> TrackIngested | None:
    """The TrackIngested-like request this event makes of `projection`, if any."""
    if isinstance(event, TrackIngested):
        return event
    if isinstance(event, TrackSourceReplaced):
        return TrackIngested(
            event.track_id, event.storage_key, event.duration_seconds, event.prints_key
        )
    if isinstance(event, TrackReindexRequested) and event.projection == projection:
        return TrackIngested(event.track_id, event.storage_key, event.duration_seconds)
    return None


def event_from_payload(type_name: str, payload: dict[str, Any]) -> DomainEvent:
    """Rebuild an event read back from the log; unknown types raise KeyError."""
    cls = EVENT_TYPES[type_name]
    names = {f.name for f in fields(cls)}
    values = {key: value for key, value in payload.items() if key in names}
    values["track_id"] = UUID(str(values["track_id"]))
    return cls(**values)


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as the log holds it: with its position (total order) and commit time."""

    position: int
    recorded_at: datetime
    event: DomainEvent

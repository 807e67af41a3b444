"""The Track aggregate: one stored recording in the library."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID, uuid4


@dataclass(frozen=True, slots=True)
class TrackKey:
    """What the indexes need to (re)build a track: where its audio is and how long it is."""

    storage_key: str
    duration_seconds: float


@dataclass(slots=True)
class Track:
    """A recording in the library, with what was read from its file at ingest."""

    title: str
    artist: str | None
    album: str | None
    duration_seconds: float
    format: str
    sample_rate: int
    channels: int
    bitrate: int | None
    file_size: int
    sha256: str
    storage_key: str
    chromaprint: list[int]
    created_at: datetime
    updated_at: datetime
    original_filename: str | None = None
    codec: str | None = None  # None for tracks recorded before codecs were (migration 0004)
    id: UUID = field(default_factory=uuid4)

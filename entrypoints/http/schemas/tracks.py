"""Tracks as the API shows them: a summary in lists and matches, details on their own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, TypeVar
from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from application.library.track_details import TrackDetails
from domain.library.track import Track
from domain.library.track_edit import KEEP, NAME_MAX_LENGTH, Keep, TrackEdit

IndexStateName = Literal["indexed", "pending"]
T = TypeVar("T")


MISSING_ARTIST = "Unknown artist"  # how every client shows a null artist (CLI, web app)
Artist = Annotated[
    str | None,
    msgspec.Meta(description=f"null when the file named none (shown as “{MISSING_ARTIST}”)"),
]


class TrackSummary(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    artist: Artist
    album: str | None
    duration_seconds: float

    @classmethod
    def of(cls, track: Track) -> TrackSummary:
        return cls(
            id=track.id,
            title=track.title,
            artist=track.artist,
            album=track.album,
            duration_seconds=track.duration_seconds,
        )


class TrackListItem(TrackSummary, kw_only=True):
    """A row of the library listing: the summary and when the track was added."""

    created_at: datetime

    @classmethod
    def of(cls, track: Track) -> TrackListItem:
        return cls(**msgspec.structs.asdict(TrackSummary.of(track)), created_at=track.created_at)


class TechnicalDetails(msgspec.Struct, kw_only=True):
    format: str
    sample_rate: int
    channels: int
    bitrate: int | None
    file_size: int
    sha256: str
    original_filename: str | None


class TrackDetail(TrackSummary, kw_only=True):
    """Metadata, technical details, and whether each index has caught up with the track."""

    created_at: datetime
    updated_at: datetime
    technical: TechnicalDetails
    projections: dict[str, IndexStateName]
    audio_url: str

    @classmethod
    def of_details(cls, details: TrackDetails) -> TrackDetail:
        t = details.track
        return cls(
            **msgspec.structs.asdict(TrackSummary.of(t)),
            created_at=t.created_at,
            updated_at=t.updated_at,
            technical=TechnicalDetails(
                format=t.format,
                sample_rate=t.sample_rate,
                channels=t.channels,
                bitrate=t.bitrate,
                file_size=t.file_size,
                sha256=t.sha256,
                original_filename=t.original_filename,
            ),
            projections={name: state.value for name, state in details.projections.items()},
            audio_url=f"/api/v1/tracks/{t.id}/audio",
        )


class TrackPageOut(msgspec.Struct, kw_only=True):
    items: list[TrackListItem]
    total: int
    page: int
    page_size: int


Title = Annotated[str, msgspec.Meta(min_length=1, max_length=NAME_MAX_LENGTH)]
Name = Annotated[str, msgspec.Meta(max_length=NAME_MAX_LENGTH)]


class TrackPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """New names for a track (admin). A field left out stays as it is; an `artist` or
    `album` that is null or empty is cleared. Surrounding spaces are dropped."""

    title: Title | UnsetType = UNSET
    artist: Name | UnsetType | None = UNSET
    album: Name | UnsetType | None = UNSET

    def edit(self) -> TrackEdit:
        return TrackEdit(_kept(self.title), _kept(self.artist), _kept(self.album))


def _kept(value: T | UnsetType) -> T | Keep:
    return KEEP if isinstance(value, UnsetType) else value

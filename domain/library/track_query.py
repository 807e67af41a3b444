"""Browsing the library: a page of tracks filtered by text and sorted."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.library.track import Track

MAX_PAGE_SIZE = 100


class TrackSort(StrEnum):
    NEWEST = "-created_at"
    OLDEST = "created_at"
    TITLE = "title"
    ARTIST = "artist"
    DURATION = "duration"
    LONGEST = "-duration"


@dataclass(frozen=True, slots=True)
class TrackQuery:
    """`text` matches title, artist or album (case-insensitive substring)."""

    text: str | None = None
    page: int = 1
    page_size: int = 20
    sort: TrackSort = TrackSort.NEWEST

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("page starts at 1")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True, slots=True)
class TrackPage:
    items: list[Track]
    total: int

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from domain.exact.fingerprint import Chromaprint
from domain.library.track import Track, TrackKey
from domain.library.track_query import TrackPage, TrackQuery


class TrackRepository(Protocol):
    """The library's track rows. Writes take effect when the unit of work commits."""

    async def add(self, track: Track) -> None:
        """Insert a new track and index its Chromaprint for near-duplicate lookups."""
        ...

    async def update(self, track: Track) -> None:
        """Store the track's changed fields (names, or a replaced file with its print);
        its Chromaprint index terms follow its print. Raises TrackAlreadyExists when another
        track holds the same content (SHA-256)."""
        ...

    async def get(self, track_id: UUID) -> Track | None: ...

    async def get_many(self, track_ids: Sequence[UUID]) -> dict[UUID, Track]: ...

    async def get_by_sha256(self, sha256: str) -> Track | None: ...

    async def near_duplicate_candidates(self, print_: Chromaprint, limit: int) -> list[Track]:
        """Tracks sharing the most Chromaprint index terms with `print_`, best first."""
        ...

    async def search(self, query: TrackQuery) -> TrackPage:
        """A page of tracks matching `query.text`, in `query.sort` order, and the total."""
        ...

    async def keys(self) -> dict[UUID, TrackKey]:
        """Every track's storage key and duration (a light listing of the whole library)."""
        ...

    async def remove(self, track_id: UUID) -> None: ...

    async def count(self) -> int: ...

    async def lock_catalog(self) -> None:
        """Serialize catalogue writers until this unit of work ends.

        Taken before duplicate checks so that two processes ingesting the same recording
        cannot both decide it is new; it also keeps event positions in commit order.
        """
        ...

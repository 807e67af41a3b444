from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID

from adapters.memory.database import InMemoryDatabase
from domain.errors import TrackAlreadyExists
from domain.exact.fingerprint import Chromaprint
from domain.library.near_duplicate import index_terms, query_terms
from domain.library.track import Track, TrackKey
from domain.library.track_query import TrackPage, TrackQuery

_SORT_KEYS: dict[str, Callable[[Track], Any]] = {
    "created_at": lambda t: (t.created_at, str(t.id)),
    "title": lambda t: (t.title.casefold(), str(t.id)),
    "artist": lambda t: ((t.artist or "").casefold(), str(t.id)),
    "duration": lambda t: (t.duration_seconds, str(t.id)),
}


class InMemoryTrackRepository:
    """Stages writes and applies them to the database when the unit of work commits."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db
        self._added: dict[UUID, Track] = {}
        self._updated: dict[UUID, Track] = {}
        self._removed: set[UUID] = set()
        self.holds_catalog_lock = False

    def _visible(self) -> dict[UUID, Track]:
        rows = {k: v for k, v in self._db.tracks.items() if k not in self._removed}
        updated = {k: v for k, v in self._updated.items() if k in rows}
        return rows | updated | self._added

    async def add(self, track: Track) -> None:
        if any(t.sha256 == track.sha256 for t in self._visible().values()):
            raise TrackAlreadyExists(track.sha256)
        self._added[track.id] = track

    async def update(self, track: Track) -> None:
        if any(t.sha256 == track.sha256 and i != track.id for i, t in self._visible().items()):
            raise TrackAlreadyExists(track.sha256)
        if track.id in self._visible():
            self._updated[track.id] = replace(track)  # a copy: later edits are not saved

    async def get(self, track_id: UUID) -> Track | None:
        return self._visible().get(track_id)

    async def get_many(self, track_ids: Sequence[UUID]) -> dict[UUID, Track]:
        rows = self._visible()
        return {i: rows[i] for i in track_ids if i in rows}

    async def get_by_sha256(self, sha256: str) -> Track | None:
        return next((t for t in self._visible().values() if t.sha256 == sha256), None)

    async def near_duplicate_candidates(self, print_: Chromaprint, limit: int) -> list[Track]:
        votes: dict[UUID, int] = {}
        for term in query_terms(print_).tolist():
            for track_id in self._db.terms.get(term, ()):
                votes[track_id] = votes.get(track_id, 0) + 1
        rows = self._visible()
        ranked = sorted((i for i in votes if i in rows), key=lambda i: -votes[i])
        return [rows[i] for i in ranked[:limit]]

    async def search(self, query: TrackQuery) -> TrackPage:
        needle = (query.text or "").casefold()
        rows = [
            t
            for t in self._visible().values()
            if needle in " ".join(filter(None, (t.title, t.artist, t.album))).casefold()
        ]
        rows.sort(key=_SORT_KEYS[query.sort.value.lstrip("-")], reverse=query.sort.value[0] == "-")
        return TrackPage(rows[query.offset : query.offset + query.page_size], len(rows))

    async def keys(self) -> dict[UUID, TrackKey]:
        return {i: TrackKey(t.storage_key, t.duration_seconds) for i, t in self._visible().items()}

    async def remove(self, track_id: UUID) -> None:
        self._added.pop(track_id, None)
        self._removed.add(track_id)

    async def count(self) -> int:
        return len(self._visible())

    async def lock_catalog(self) -> None:
        if not self.holds_catalog_lock:
            await self._db.catalog_lock.acquire()
            self.holds_catalog_lock = True

    def apply(self) -> None:
        for track_id in self._removed:
            self._db.tracks.pop(track_id, None)
            for holders in self._db.terms.values():
                holders.discard(track_id)
        for track in self._updated.values():
            if track.id in self._db.tracks and track.id not in self._removed:
                for holders in self._db.terms.values():
                    holders.discard(track.id)
                self._added[track.id] = track
        for track in self._added.values():
            self._db.tracks[track.id] = track
            for term in index_terms(Chromaprint.from_ints(track.chromaprint)).tolist():
                self._db.terms.setdefault(term, set()).add(track.id)
        self.discard()

    def discard(self) -> None:
        self._added.clear()
        self._updated.clear()
        self._removed.clear()
        if self.holds_catalog_lock:
            self._db.catalog_lock.release()
            self.holds_catalog_lock = False

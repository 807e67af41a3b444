from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Integer,
    any_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.postgres.locks import CATALOG_LOCK
from adapters.postgres.tables import chromaprint_terms, tracks
from domain.errors import TrackAlreadyExists
from domain.exact.fingerprint import Chromaprint
from domain.library.near_duplicate import index_terms, query_terms
from domain.library.track import Track, TrackKey
from domain.library.track_query import TrackPage, TrackQuery

_SEARCHABLE = (tracks.c.title, tracks.c.artist, tracks.c.album)
_SORT_COLUMNS = {
    "created_at": tracks.c.created_at,
    "title": func.lower(tracks.c.title),
    "artist": func.lower(tracks.c.artist),
    "duration": tracks.c.duration_seconds,
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row_to_track(row: Any) -> Track:
    values = dict(row._mapping)
    return Track(**values)


class PostgresTrackRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, track: Track) -> None:
        values = {column.name: getattr(track, column.name) for column in tracks.columns}
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(insert(tracks).values(**values))
        except IntegrityError as exc:
            raise TrackAlreadyExists(track.sha256) from exc
        await self._index_print(track)

    async def update(self, track: Track) -> None:
        stored = select(tracks.c.chromaprint).where(tracks.c.id == track.id)
        old_print = (await self._conn.execute(stored)).scalar_one_or_none()
        values = {c.name: getattr(track, c.name) for c in tracks.columns if c.name != "id"}
        try:
            async with self._conn.begin_nested():
                await self._conn.execute(
                    update(tracks).where(tracks.c.id == track.id).values(**values)
                )
        except IntegrityError as exc:
            raise TrackAlreadyExists(track.sha256) from exc
        if old_print is not None and list(old_print) != track.chromaprint:
            await self._conn.execute(
                delete(chromaprint_terms).where(chromaprint_terms.c.track_id == track.id)
            )
            await self._index_print(track)

    async def _index_print(self, track: Track) -> None:
        terms = index_terms(Chromaprint.from_ints(track.chromaprint)).tolist()
        if terms:
            rows = [{"term": term, "track_id": track.id} for term in terms]
            await self._conn.execute(pg_insert(chromaprint_terms).on_conflict_do_nothing(), rows)

    async def get(self, track_id: UUID) -> Track | None:
        row = (await self._conn.execute(select(tracks).where(tracks.c.id == track_id))).first()
        return _row_to_track(row) if row else None

    async def get_many(self, track_ids: Sequence[UUID]) -> dict[UUID, Track]:
        if not track_ids:
            return {}
        result = await self._conn.execute(select(tracks).where(tracks.c.id.in_(list(track_ids))))
        return {row.id: _row_to_track(row) for row in result}

    async def get_by_sha256(self, sha256: str) -> Track | None:
        row = (await self._conn.execute(select(tracks).where(tracks.c.sha256 == sha256))).first()
        return _row_to_track(row) if row else None

    async def near_duplicate_candidates(self, print_: Chromaprint, limit: int) -> list[Track]:
        terms = query_terms(print_).tolist()
        if not terms:
            return []
        shared = func.count().label("shared")
        ranked = (
            select(chromaprint_terms.c.track_id, shared)
            .where(chromaprint_terms.c.term == any_(bindparam("terms", terms, ARRAY(Integer))))
            .group_by(chromaprint_terms.c.track_id)
            .order_by(shared.desc())
            .limit(limit)
            .subquery()
        )
        query = select(tracks).join(ranked, ranked.c.track_id == tracks.c.id)
        rows = (await self._conn.execute(query.order_by(ranked.c.shared.desc()))).all()
        return [_row_to_track(row) for row in rows]

    async def search(self, query: TrackQuery) -> TrackPage:
        condition = true()
        if query.text:
            pattern = f"%{_escape_like(query.text)}%"
            condition = or_(*(column.ilike(pattern, escape="\\") for column in _SEARCHABLE))
        total = await self._conn.execute(select(func.count()).select_from(tracks).where(condition))
        column = _SORT_COLUMNS[query.sort.value.lstrip("-")]
        order = column.desc() if query.sort.value.startswith("-") else column.asc()
        rows = await self._conn.execute(
            select(tracks)
            .where(condition)
            .order_by(order.nulls_last(), tracks.c.id)
            .offset(query.offset)
            .limit(query.page_size)
        )
        return TrackPage([_row_to_track(row) for row in rows], int(total.scalar_one()))

    async def keys(self) -> dict[UUID, TrackKey]:
        query = select(tracks.c.id, tracks.c.storage_key, tracks.c.duration_seconds)
        rows = await self._conn.execute(query)
        return {row.id: TrackKey(row.storage_key, row.duration_seconds) for row in rows}

    async def remove(self, track_id: UUID) -> None:
        await self._conn.execute(delete(tracks).where(tracks.c.id == track_id))

    async def count(self) -> int:
        return int(
            (await self._conn.execute(select(func.count()).select_from(tracks))).scalar_one()
        )

    async def lock_catalog(self) -> None:
        await self._conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CATALOG_LOCK})

"""Use case: every track of the library, for an export."""

from __future__ import annotations

from collections.abc import AsyncIterator

from domain.library.track import Track
from domain.library.track_query import MAX_PAGE_SIZE, TrackQuery, TrackSort
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class ExportLibrary:
    """Every track, oldest first, read a page at a time (one short transaction each), so
    a large library is never held in memory and the database is never held open. A track
    added meanwhile comes last; one deleted meanwhile may shift a later one out of reach."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self) -> AsyncIterator[Track]:
        page = 1
        while True:
            query = TrackQuery(page=page, page_size=MAX_PAGE_SIZE, sort=TrackSort.OLDEST)
            async with self._uow() as uow:
                found = await uow.tracks.search(query)
            for track in found.items:
                yield track
            if page * MAX_PAGE_SIZE >= found.total or not found.items:
                return
            page += 1

"""Use cases for reading the library: a page of tracks, one track with its index status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.errors import TrackNotFound
from domain.events import INDEXING_EVENTS
from domain.library.track import Track
from domain.library.track_query import TrackPage, TrackQuery
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.names import ProjectionName
from domain.projections.nodes import NodeProjections


class IndexState(StrEnum):
    INDEXED = "indexed"  # the projection has applied the track's latest event
    PENDING = "pending"  # not yet: the projector is behind


@dataclass(frozen=True, slots=True)
class TrackDetails:
    track: Track
    projections: dict[ProjectionName, IndexState]


class ListTracks:
    """A page of the library, filtered by text and sorted."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, query: TrackQuery) -> TrackPage:
        async with self._uow() as uow:
            return await uow.tracks.search(query)


class GetTrack:
    """One track, and for each projection whether this node's copy has caught up with it."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        projections: Sequence[ProjectionName],
        nodes: NodeProjections,
    ) -> None:
        self._uow = uow
        self._projections = tuple(projections)
        self._nodes = nodes

    async def __call__(self, track_id: UUID) -> TrackDetails:
        async with self._uow() as uow:
            track = await uow.tracks.get(track_id)
            if track is None:
                raise TrackNotFound(f"no track with id {track_id}", {"track_id": str(track_id)})
            latest = await uow.events.last_position_of(track_id, INDEXING_EVENTS) or 0
            states = {
                name: IndexState.INDEXED
                if await uow.checkpoints.get(self._nodes.key(name)) >= latest
                else IndexState.PENDING
                for name in self._projections
            }
        return TrackDetails(track, states)

"""Use case: compare every projection with the library, and heal drift through the log."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from uuid import UUID

from domain.errors import AudioIdentError
from domain.events import INDEXING_EVENTS, DomainEvent, TrackDeleted, TrackReindexRequested
from domain.library.track import TrackKey
from domain.ports.projection_store import ProjectionStore
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.drift import Drift, DriftKind, find_drift
from domain.projections.nodes import NodeProjections


@dataclass(frozen=True, slots=True)
class VerifyReport:
    checked_tracks: int
    drift: list[Drift] = field(default_factory=list[Drift])
    repair_events: int = 0
    unverifiable: dict[str, str] = field(default_factory=dict[str, str])

    @property
    def clean(self) -> bool:
        return not self.drift and not self.unverifiable


class VerifyProjections:
    """Tracks present, and item counts equal to what each projection recorded.

    With `repair`, appends the events that heal each drift — TrackReindexRequested for a
    missing or miscounted track, TrackDeleted for one the store should not hold — and never
    touches a store directly: the projectors apply them like any other event (on every
    node: re-indexing a track a node holds already changes nothing). Reads only the stores
    (`stores`: each projection's, by name), so no model needs to be loaded. It checks this
    node's copies; run it on each node to check theirs.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        stores: Mapping[str, ProjectionStore],
        nodes: NodeProjections,
    ) -> None:
        self._uow = uow
        self._stores = dict(stores)
        self._nodes = nodes

    async def __call__(self, repair: bool = False) -> VerifyReport:
        async with self._uow() as uow:
            library = await uow.tracks.keys()
            latest = await uow.events.latest_positions(INDEXING_EVENTS)
            keys = {name: self._nodes.key(name) for name in self._stores}
            checkpoints = {name: await uow.checkpoints.get(key) for name, key in keys.items()}
            receipts = {name: await uow.receipts.for_projection(key) for name, key in keys.items()}
        drift: list[Drift] = []
        unverifiable: dict[str, str] = {}
        for name, store in self._stores.items():
            settled = {t for t, at in latest.items() if at <= checkpoints[name]}
            try:
                held = await store.track_counts()
            except AudioIdentError as error:  # e.g. the store is held by another process
                unverifiable[name] = error.message
                continue
            drift += find_drift(name, set(library), settled, receipts[name], held)
        if not repair or not drift:
            return VerifyReport(len(library), drift, 0, unverifiable)
        async with self._uow() as uow:
            await uow.tracks.lock_catalog()
            current = await uow.tracks.keys()  # the library may have moved since
            healing = [event for item in drift if (event := _healing(item, current)) is not None]
            for event in healing:
                await uow.events.append(event)
            await uow.commit()
        return VerifyReport(len(library), drift, len(healing), unverifiable)


def _healing(item: Drift, library: dict[UUID, TrackKey]) -> DomainEvent | None:
    """The event that brings the store back in line with the library, if still needed."""
    key = library.get(item.track_id)
    if item.kind is DriftKind.UNEXPECTED:
        return TrackDeleted(item.track_id, "") if key is None else None
    if key is None:
        return None  # deleted meanwhile: its TrackDeleted will settle it
    return TrackReindexRequested(
        item.track_id, key.storage_key, key.duration_seconds, item.projection
    )

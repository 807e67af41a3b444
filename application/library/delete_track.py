"""Use case: remove a track from the library."""

from __future__ import annotations

from uuid import UUID

from application.library.orphan_blobs import delete_unowned_blob
from domain.errors import TrackNotFound
from domain.events import TrackDeleted
from domain.ports.audio_storage import AudioStorage
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class DeleteTrack:
    """Delete the row and record `TrackDeleted` in one transaction; then drop the file.

    The indexes forget the track when their projections apply the event. A projection
    replayed from scratch meets the earlier `TrackIngested` of a deleted track whose file is
    gone, and skips it (the later `TrackDeleted` would remove it anyway).
    """

    def __init__(self, uow: UnitOfWorkFactory, storage: AudioStorage) -> None:
        self._uow = uow
        self._storage = storage

    async def __call__(self, track_id: UUID) -> None:
        async with self._uow() as uow:
            await uow.tracks.lock_catalog()
            track = await uow.tracks.get(track_id)
            if track is None:
                raise TrackNotFound(f"no track with id {track_id}", {"track_id": str(track_id)})
            await uow.tracks.remove(track_id)
            await uow.events.append(TrackDeleted(track_id, track.storage_key))
            await uow.commit()
        await delete_unowned_blob(self._uow, self._storage, track.storage_key, track.sha256)

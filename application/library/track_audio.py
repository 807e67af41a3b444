"""Use case: the stored original file of a track, for playback."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

from domain.errors import TrackNotFound
from domain.library.track import Track
from domain.ports.audio_storage import AudioStorage
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class TrackAudio:
    """The track row and a readable local path of its original file.

    Raises TrackNotFound when the track, or its file, is gone (a deletion in progress).
    """

    def __init__(self, uow: UnitOfWorkFactory, storage: AudioStorage) -> None:
        self._uow, self._storage = uow, storage

    async def __call__(self, track_id: UUID) -> tuple[Track, Path]:
        async with self._uow() as uow:
            track = await uow.tracks.get(track_id)
        if track is None:
            raise TrackNotFound(f"no track with id {track_id}", {"track_id": str(track_id)})
        try:
            return track, await self._storage.local_path(track.storage_key)
        except FileNotFoundError as error:
            raise TrackNotFound(
                f"the file of track {track_id} is gone", {"track_id": str(track_id)}
            ) from error

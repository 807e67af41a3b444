"""Use case: an admin renames a track (title, artist, album)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from domain.errors import TrackNotFound
from domain.events import TrackRetitled
from domain.library.track import Track
from domain.library.track_edit import TrackEdit, TrackNames
from domain.ports.clock import Clock
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class EditTrack:
    """Update the track row and record `TrackRetitled` in one transaction.

    Searches, the library listing and timelines join names from the track rows, so every
    answer shows the new names at once; the indexes hold no names and ignore the event.
    An edit that changes nothing records nothing. Raises TrackNotFound and InvalidTrackEdit.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, track_id: UUID, edit: TrackEdit) -> Track:
        async with self._uow() as uow:
            await uow.tracks.lock_catalog()  # against a concurrent deletion or replacement
            track = await uow.tracks.get(track_id)
            if track is None:
                raise TrackNotFound(f"no track with id {track_id}", {"track_id": str(track_id)})
            names = edit.applied_to(TrackNames(track.title, track.artist, track.album))
            if names == TrackNames(track.title, track.artist, track.album):
                return track
            renamed = replace(
                track,
                title=names.title,
                artist=names.artist,
                album=names.album,
                updated_at=self._clock.now(),
            )
            await uow.tracks.update(renamed)
            await uow.events.append(TrackRetitled(track_id, names.title, names.artist, names.album))
            await uow.commit()
        return renamed

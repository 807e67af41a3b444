"""What the fingerprint and embedding projections share: index each track's stored audio."""

from __future__ import annotations

import abc
import logging
from uuid import UUID

from domain.audio import PcmAudio
from domain.errors import DecodingFailed
from domain.events import StoredEvent, TrackDeleted, TrackIngested, indexing_request
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.projection_store import ProjectionStore
from domain.projections.records import Applied

log = logging.getLogger(__name__)


class TrackAudioProjection(abc.ABC):
    """A TrackIngested (or a reindex request aimed at this projection) indexes the track from
    what ingest stored for it (`index_stored`) or else decodes its stored file at
    `sample_rate`; TrackDeleted removes the track. Health
    and rebuilds are the store's own (what it holds is read from the store: `track_counts`).

    A file that is gone or unreadable is skipped, not failed: replaying the log meets the
    TrackIngested of tracks whose files a later TrackDeleted removed, and a failure would
    stall every event behind it.
    """

    def __init__(self, storage: AudioStorage, decoder: AudioDecoder, store: ProjectionStore):
        self._storage = storage
        self._decoder = decoder
        self._store = store

    @property
    @abc.abstractmethod
    def name(self) -> str: ...

    @property
    @abc.abstractmethod
    def sample_rate(self) -> int: ...

    @abc.abstractmethod
    async def index_audio(self, track_id: UUID, audio: PcmAudio, position: int) -> int:
        """Replace what the store holds for the track (applying the event at `position`);
        returns the items now stored."""

    async def index_stored(self, request: TrackIngested, position: int) -> int | None:
        """Index the track from what was stored for it at ingest, without decoding; None
        when nothing usable was (the audio is then decoded)."""
        return None

    async def apply(self, stored: StoredEvent) -> Applied | None:
        event = stored.event
        request = indexing_request(event, self.name)
        if request is not None:
            items = await self.index_stored(request, stored.position)
            if items is not None:
                return Applied(request.track_id, items)
            try:
                path = await self._storage.local_path(request.storage_key)
                audio = await self._decoder.decode(path, self.sample_rate)
            except (FileNotFoundError, DecodingFailed) as exc:
                log.warning("%s: skipping track %s (%s)", self.name, request.track_id, exc)
                return Applied(request.track_id, None)
            items = await self.index_audio(request.track_id, audio, stored.position)
            return Applied(request.track_id, items)
        if isinstance(event, TrackDeleted):
            await self._store.remove(event.track_id)
            return Applied(event.track_id, None)
        return None

    async def applied_position(self) -> int:
        return 0  # unless the store keeps it (the fingerprint index)

    async def track_counts(self) -> dict[UUID, int]:
        return await self._store.track_counts()

    async def check(self) -> None:
        await self._store.check()

    async def begin_rebuild(self) -> None:
        await self._store.begin_rebuild()

    async def finish_rebuild(self) -> None:
        await self._store.finish_rebuild()

    async def abort_rebuild(self) -> None:
        await self._store.abort_rebuild()

"""The exact lane's read model: landmark hashes of every track in the fingerprint index."""

from __future__ import annotations

import logging
from uuid import UUID

from domain.audio import FINGERPRINT_RATE
from domain.errors import DecodingFailed
from domain.events import StoredEvent, TrackDeleted, TrackIngested, indexing_request
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.projection_records import Applied

log = logging.getLogger(__name__)


class FingerprintProjection:
    """TrackIngested decodes the stored file at 16 kHz, fingerprints it and indexes it;
    TrackDeleted removes the track. `put` replaces a track's entries, so re-applying an
    event leaves the index as it was.
    """

    def __init__(
        self,
        storage: AudioStorage,
        decoder: AudioDecoder,
        fingerprinter: Fingerprinter,
        index: FingerprintIndex,
    ) -> None:
        self._storage = storage
        self._decoder = decoder
        self._fingerprinter = fingerprinter
        self._index = index

    @property
    def name(self) -> str:
        return "fingerprint"

    async def apply(self, stored: StoredEvent) -> Applied | None:
        event = stored.event
        request = indexing_request(event, self.name)
        if request is not None:
            return await self._index_track(request)
        if isinstance(event, TrackDeleted):
            await self._index.remove(event.track_id)
            return Applied(event.track_id, None)
        return None

    async def check(self) -> None:
        await self._index.check()

    async def inventory(self) -> dict[UUID, int]:
        return await self._index.track_counts()

    async def begin_rebuild(self) -> None:
        await self._index.begin_rebuild()

    async def finish_rebuild(self) -> None:
        await self._index.finish_rebuild()

    async def abort_rebuild(self) -> None:
        await self._index.abort_rebuild()

    async def _index_track(self, event: TrackIngested) -> Applied:
        try:
            path = await self._storage.local_path(event.storage_key)
            audio = await self._decoder.decode(path, FINGERPRINT_RATE)
        except (FileNotFoundError, DecodingFailed) as exc:
            # Replaying an old event whose file a later TrackDeleted removed: nothing to
            # index, and failing would stall every event behind it.
            log.warning("fingerprint: skipping track %s (%s)", event.track_id, exc)
            return Applied(event.track_id, None)
        fingerprint = await self._fingerprinter.reference(audio)
        return Applied(event.track_id, await self._index.put(event.track_id, fingerprint))

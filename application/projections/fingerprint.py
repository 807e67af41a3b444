"""The exact lane's read model: landmark hashes of every track in the fingerprint index."""

from __future__ import annotations

from uuid import UUID

from application.library.reference_prints import ReferencePrints
from application.projections.track_audio_projection import TrackAudioProjection
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.events import TrackIngested
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.fingerprint_index import FingerprintIndex
from domain.projections.names import ProjectionName


class FingerprintProjection(TrackAudioProjection):
    """Each track's reference landmarks at 16 kHz: the ones stored at ingest when the event
    names them and they load, else made from the decoded audio. `put` replaces a track's
    entries, so re-applying an event leaves the index as it was."""

    def __init__(
        self,
        storage: AudioStorage,
        decoder: AudioDecoder,
        index: FingerprintIndex,
        reference: ReferencePrints,
    ) -> None:
        super().__init__(storage, decoder, index)
        self._reference = reference
        self._index = index

    @property
    def name(self) -> str:
        return ProjectionName.FINGERPRINT

    @property
    def sample_rate(self) -> int:
        return FINGERPRINT_RATE

    async def index_stored(self, request: TrackIngested, position: int) -> int | None:
        if request.prints_key is None:
            return None  # logged before prints were stored
        print_ = await self._reference.load(request.prints_key)
        if print_ is None:
            return None
        return await self._index.put(request.track_id, print_, position)

    async def index_audio(self, track_id: UUID, audio: PcmAudio, position: int) -> int:
        print_ = await self._reference.make(audio)
        return await self._index.put(track_id, print_, position)

    async def applied_position(self) -> int:
        return await self._index.applied_position()

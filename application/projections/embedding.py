"""The vibe lane's read model: CLAP vectors of every track's 10 s chunks."""

from __future__ import annotations

from uuid import UUID

from application.projections.track_audio_projection import TrackAudioProjection
from domain.audio import EMBEDDING_RATE, PcmAudio
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.embedder import Embedder
from domain.ports.vector_index import VectorIndex
from domain.projections.names import ProjectionName


class EmbeddingProjection(TrackAudioProjection):
    """Each track's 10 s chunks embedded at 48 kHz.

    Idempotent: point ids are derived from (track, chunk index), so re-applying an event
    overwrites the same points. Each point carries the embedding model's name, and the
    index its dimension, so a model change is visible (and refused by the index until a
    rebuild fills a fresh generation with the new vectors).
    """

    def __init__(
        self,
        storage: AudioStorage,
        decoder: AudioDecoder,
        embedder: Embedder,
        index: VectorIndex,
    ) -> None:
        super().__init__(storage, decoder, index)
        self._embedder = embedder
        self._index = index

    @property
    def name(self) -> str:
        return ProjectionName.EMBEDDING

    @property
    def sample_rate(self) -> int:
        return EMBEDDING_RATE

    async def index_audio(self, track_id: UUID, audio: PcmAudio, position: int) -> int:
        embeddings = await self._embedder.embed_audio(audio)
        # The upsert replaces the track's chunks with exactly these, so they are its count.
        await self._index.upsert(track_id, embeddings)
        return len(embeddings)

from __future__ import annotations

import logging

from domain.audio import EMBEDDING_RATE
from domain.errors import DecodingFailed
from domain.events import StoredEvent, TrackDeleted, TrackIngested
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.embedder import Embedder
from domain.ports.vector_index import VectorIndex

log = logging.getLogger(__name__)


class EmbeddingProjection:
    """The vibe lane's read model: CLAP vectors of every track's 10 s chunks.

    TrackIngested decodes the stored file at 48 kHz, embeds it and upserts the chunks;
    TrackDeleted removes them. Both are idempotent: point ids are derived from (track,
    chunk index), so re-applying an event overwrites the same points. Each point carries
    the embedding model's name, and the index its dimension, so a model change is visible
    (and refused by the index until a replay from `reset`).
    """

    def __init__(
        self,
        storage: AudioStorage,
        decoder: AudioDecoder,
        embedder: Embedder,
        index: VectorIndex,
    ) -> None:
        self._storage = storage
        self._decoder = decoder
        self._embedder = embedder
        self._index = index

    @property
    def name(self) -> str:
        return "embedding"

    async def apply(self, stored: StoredEvent) -> None:
        event = stored.event
        if isinstance(event, TrackIngested):
            await self._embed(event)
        elif isinstance(event, TrackDeleted):
            await self._index.remove(event.track_id)

    async def reset(self) -> None:
        await self._index.clear()

    async def _embed(self, event: TrackIngested) -> None:
        try:
            path = await self._storage.local_path(event.storage_key)
            audio = await self._decoder.decode(path, EMBEDDING_RATE)
        except (FileNotFoundError, DecodingFailed) as exc:
            # Replaying an old event whose file a later TrackDeleted removed: nothing to index,
            # and failing would stall every projection behind it.
            log.warning("embedding: skipping track %s (%s)", event.track_id, exc)
            return
        embeddings = await self._embedder.embed_audio(audio)
        await self._index.upsert(event.track_id, embeddings)

"""The vibe lane's read model: CLAP vectors of every track's 10 s chunks."""

from __future__ import annotations

import logging
from uuid import UUID

from domain.audio import EMBEDDING_RATE
from domain.errors import DecodingFailed
from domain.events import StoredEvent, TrackDeleted, TrackIngested, indexing_request
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.embedder import Embedder
from domain.ports.vector_index import VectorIndex
from domain.projection_records import Applied

log = logging.getLogger(__name__)


class EmbeddingProjection:
    """TrackIngested (or a reindex request aimed at this projection) decodes the stored
    file at 48 kHz, embeds it and upserts the chunks; TrackDeleted removes them.

    Both are idempotent: point ids are derived from (track, chunk index), so re-applying
    an event overwrites the same points. Each point carries the embedding model's name,
    and the index its dimension, so a model change is visible (and refused by the index
    until a rebuild fills a fresh generation with the new vectors).
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

    async def apply(self, stored: StoredEvent) -> Applied | None:
        event = stored.event
        request = indexing_request(event, self.name)
        if request is not None:
            return await self._embed(request)
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

    async def _embed(self, event: TrackIngested) -> Applied:
        try:
            path = await self._storage.local_path(event.storage_key)
            audio = await self._decoder.decode(path, EMBEDDING_RATE)
        except (FileNotFoundError, DecodingFailed) as exc:
            # Replaying an old event whose file a later TrackDeleted removed: nothing to index,
            # and failing would stall every event behind it.
            log.warning("embedding: skipping track %s (%s)", event.track_id, exc)
            return Applied(event.track_id, None)
        embeddings = await self._embedder.embed_audio(audio)
        # The upsert replaces the track's chunks with exactly these, so they are its count.
        await self._index.upsert(event.track_id, embeddings)
        return Applied(event.track_id, len(embeddings))

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

import numpy as np
import numpy.typing as npt

from application.identify.library_alikeness import LibraryAlikeness
from domain.audio import PcmAudio
from domain.errors import LaneUnavailable
from domain.matches import VibeMatch
from domain.ports.embedder import Embedder
from domain.ports.vector_index import ChunkHit, VectorIndex
from domain.vibe.ranking import TOP_CHUNKS, rank_tracks

Vectors = list[npt.NDArray[np.float32]]


class VibeSearch:
    """Tracks that sound like an audio clip, or like a sentence describes (the vibe lane).

    A clip is embedded in 10 s chunks (one for clips up to 10 s); each query chunk searches
    the index on its own, because a 30 s clip that crosses a verse and a chorus should find
    tracks that have either, which the average of the two vectors would blur. Clips longer
    than `max_query_chunks` windows are sampled evenly.

    Each search fetches `limit * chunks_per_track` nearest chunks. If they name fewer than
    `limit` tracks (one long track filled the fetch with its own chunks), the next round
    excludes the tracks already seen, up to `rounds` rounds, so no track crowds out the rest.
    Chunks are then ranked into tracks by `rank_tracks` (mean of the top-3 chunks), and each
    match is placed among the library's own pairs (`alikeness`; none: left unplaced).
    `exclude_track_ids` (e.g. the exact lane's answer) is filtered inside the index.

    Built with `embedder=None` when the lane is off; every search then raises
    LaneUnavailable with `unavailable_reason`.
    """

    def __init__(
        self,
        embedder: Embedder | None,
        index: VectorIndex,
        *,
        unavailable_reason: str = "the vibe lane is switched off",
        chunks_per_track: int = 8,
        max_query_chunks: int = 12,
        rounds: int = 3,
        top_chunks: int = TOP_CHUNKS,
        alikeness: LibraryAlikeness | None = None,
    ) -> None:
        self._embedder = embedder
        self._index = index
        self._unavailable_reason = unavailable_reason
        self._chunks_per_track = chunks_per_track
        self._max_query_chunks = max_query_chunks
        self._rounds = rounds
        self._top_chunks = top_chunks
        self._alikeness = alikeness

    @property
    def available(self) -> bool:
        return self._embedder is not None

    async def by_audio(
        self, audio: PcmAudio, limit: int = 10, exclude_track_ids: Collection[UUID] = ()
    ) -> list[VibeMatch]:
        """Tracks that sound like `audio` (48 kHz mono); [] for clips under 1 s."""
        embeddings = await self._require_embedder().embed_audio(audio)
        picks = np.linspace(0, len(embeddings) - 1, min(len(embeddings), self._max_query_chunks))
        queries = [embeddings.vectors[int(round(row))] for row in picks]
        return await self._nearest_tracks(queries, limit, exclude_track_ids)

    async def by_text(
        self, text: str, limit: int = 10, exclude_track_ids: Collection[UUID] = ()
    ) -> list[VibeMatch]:
        """Tracks whose sound matches a description, e.g. "a calm piano with rain"."""
        vector = await self._require_embedder().embed_text(text)
        return await self._nearest_tracks([vector], limit, exclude_track_ids)

    def ensure_available(self) -> None:
        """Raise LaneUnavailable, with the reason, when the lane is off."""
        self._require_embedder()

    def _require_embedder(self) -> Embedder:
        if self._embedder is None:
            raise LaneUnavailable(self._unavailable_reason)
        return self._embedder

    async def _nearest_tracks(
        self, queries: Vectors, limit: int, exclude_track_ids: Collection[UUID]
    ) -> list[VibeMatch]:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        fetch = limit * self._chunks_per_track
        hits: list[ChunkHit] = []
        left_out = set(exclude_track_ids)
        for _ in range(self._rounds):
            found = [await self._index.search(query, fetch, left_out) for query in queries]
            hits.extend(hit for batch in found for hit in batch)
            tracks = {hit.track_id for hit in hits}
            crowded = any(len(batch) == fetch for batch in found)
            if len(tracks) >= limit or not crowded:
                break
            left_out |= tracks
        ranked = rank_tracks(hits, limit, self._top_chunks)
        if self._alikeness is None:
            return ranked
        return await self._alikeness.read(self._index, ranked)

from __future__ import annotations

from uuid import UUID, uuid4

import numpy as np
import pytest

from adapters.clap.embedder import ClapEmbedder
from adapters.memory.embedder import InMemoryEmbedder
from adapters.memory.vector_index import InMemoryVectorIndex
from application.identify.vibe_search import VibeSearch
from domain.audio import PcmAudio
from domain.errors import LaneUnavailable
from domain.ports.vector_index import ChunkHit, VectorIndex
from domain.vibe.embedding import ChunkEmbeddings
from domain.vibe.ranking import rank_tracks
from tests.support.signals import noise, tone

pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect")


async def _library(vector_index: VectorIndex) -> dict[str, UUID]:
    embedder = InMemoryEmbedder()
    tracks = {
        "low hum": tone(40.0, 110.0, noise=0.01, seed=1),
        "a440": tone(30.0, 440.0, noise=0.01, seed=2),
        "hiss": noise(25.0, seed=3),
        "whistle": tone(20.0, 2_500.0, noise=0.01, seed=4),
    }
    ids = {name: uuid4() for name in tracks}
    for name, audio in tracks.items():
        await vector_index.upsert(ids[name], await embedder.embed_audio(audio))
    return ids


async def test_search_before_any_ingest_is_empty(vector_index: VectorIndex) -> None:
    search = VibeSearch(InMemoryEmbedder(), vector_index)

    assert await search.by_audio(tone(5.0, 440.0)) == []
    assert await search.by_text("a calm piano") == []


async def test_a_snippet_finds_the_track_it_was_cut_from(vector_index: VectorIndex) -> None:
    ids = await _library(vector_index)
    snippet = tone(30.0, 440.0, noise=0.01, seed=2).slice_seconds(12.0, 19.0)

    matches = await VibeSearch(InMemoryEmbedder(), vector_index).by_audio(snippet, limit=3)

    assert matches[0].track_id == ids["a440"]
    assert len(matches) == 3
    assert [m.similarity for m in matches] == sorted((m.similarity for m in matches), reverse=True)
    assert matches[0].matched_chunks >= 1


async def test_the_exact_lane_answer_can_be_left_out(vector_index: VectorIndex) -> None:
    ids = await _library(vector_index)
    snippet = tone(8.0, 440.0, noise=0.01, seed=2)

    matches = await VibeSearch(InMemoryEmbedder(), vector_index).by_audio(
        snippet, limit=3, exclude_track_ids={ids["a440"]}
    )

    assert ids["a440"] not in {m.track_id for m in matches}
    assert len(matches) == 3


async def test_a_long_track_cannot_crowd_out_the_others(vector_index: VectorIndex) -> None:
    # One 'track' of 60 near-identical chunks, and five others further away.
    rng = np.random.default_rng(0)
    anchor = rng.standard_normal(16).astype(np.float32)
    anchor /= np.linalg.norm(anchor)
    long_track = uuid4()
    crowd = anchor + 0.01 * rng.standard_normal((60, 16)).astype(np.float32)
    await vector_index.upsert(long_track, _embeddings(crowd))
    others = [uuid4() for _ in range(5)]
    for track in others:
        await vector_index.upsert(track, _embeddings(anchor + 0.5 * rng.standard_normal((3, 16))))
    search = VibeSearch(_FixedEmbedder(anchor), vector_index, chunks_per_track=2)

    matches = await search.by_text("anything", limit=4)

    assert len(matches) == 4
    assert matches[0].track_id == long_track
    assert matches[0].matched_chunks == 8
    assert {m.track_id for m in matches[1:]} <= set(others)


async def test_text_search_returns_the_same_shape(clap: ClapEmbedder) -> None:
    vector_index = InMemoryVectorIndex()
    track = uuid4()
    await vector_index.upsert(track, await clap.embed_audio(tone(12.0, 330.0)))

    (match,) = await VibeSearch(clap, vector_index).by_text("a calm piano with rain", limit=5)

    assert match.track_id == track
    assert match.matched_chunks == 2
    assert -1.0 <= match.similarity <= 1.0


async def test_when_the_lane_is_off_searches_say_why() -> None:
    search = VibeSearch(None, InMemoryVectorIndex(), unavailable_reason="EMBEDDING_MODEL=none")

    assert not search.available
    with pytest.raises(LaneUnavailable, match="EMBEDDING_MODEL=none"):
        await search.by_text("rain")
    with pytest.raises(LaneUnavailable):
        await search.by_audio(tone(5.0, 440.0))


def test_tracks_score_the_mean_of_their_three_best_chunks() -> None:
    a, b = uuid4(), uuid4()
    hits = [
        ChunkHit(a, 0, 0.0, 0.9),
        ChunkHit(a, 1, 5.0, 0.95),
        ChunkHit(a, 2, 10.0, 0.7),
        ChunkHit(a, 3, 15.0, 0.1),
        ChunkHit(a, 1, 5.0, 0.5),  # the same stored chunk reached by a weaker query chunk
        ChunkHit(b, 4, 20.0, 0.88),
    ]

    first, second = rank_tracks(hits, limit=10)

    assert (first.track_id, second.track_id) == (b, a)
    assert first.similarity == pytest.approx(0.88)
    assert second.similarity == pytest.approx((0.95 + 0.9 + 0.7) / 3)
    assert (second.best_chunk_offset_seconds, second.matched_chunks) == (5.0, 4)
    assert rank_tracks(hits, limit=1) == [first]


def _embeddings(vectors: np.ndarray) -> ChunkEmbeddings:
    unit = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    return ChunkEmbeddings(unit, np.arange(len(unit), dtype=np.float32) * 5, "fixed")


class _FixedEmbedder:
    """Every query embeds to one chosen vector."""

    def __init__(self, vector: np.ndarray) -> None:
        self._vector = vector.astype(np.float32)

    model_name = "fixed"
    dimension = 16

    async def embed_audio(self, audio: PcmAudio) -> ChunkEmbeddings:
        return _embeddings(self._vector[None, :])

    async def embed_text(self, text: str) -> np.ndarray:
        return self._vector

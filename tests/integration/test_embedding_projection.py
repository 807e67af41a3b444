from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import cast
from uuid import UUID, uuid4

import pytest

from adapters.clap.embedder import ClapEmbedder
from adapters.memory.embedder import InMemoryEmbedder
from adapters.memory.vector_index import InMemoryVectorIndex
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from application.projections.embedding import EmbeddingProjection
from domain.events import (
    DomainEvent,
    StoredEvent,
    TrackDeleted,
    TrackIngested,
    TrackReindexRequested,
)
from domain.ports.audio_storage import AudioStorage
from domain.ports.vector_index import VectorIndex
from domain.projections.records import Applied
from tests.support.signals import noise, tone
from tests.support.vibe_fakes import NamedAudio


def _stored(position: int, event: DomainEvent) -> StoredEvent:
    return StoredEvent(position, datetime.now(UTC), event)


def _ingested(track_id: UUID, key: str, seconds: float) -> StoredEvent:
    return _stored(1, TrackIngested(track_id, storage_key=key, duration_seconds=seconds))


@pytest.fixture
def files() -> NamedAudio:
    library = NamedAudio()
    library.audio["a.wav"] = tone(22.0, 440.0)
    library.audio["b.wav"] = noise(8.0)
    return library


def _projection(files: NamedAudio, index: VectorIndex) -> EmbeddingProjection:
    return EmbeddingProjection(cast(AudioStorage, files), files, InMemoryEmbedder(), index)


async def test_ingest_embeds_every_chunk_and_applying_twice_changes_nothing(
    files: NamedAudio,
) -> None:
    index = InMemoryVectorIndex()
    projection = _projection(files, index)
    track = uuid4()

    assert await projection.apply(_ingested(track, "a.wav", 22.0)) == Applied(track, 4)
    query = (await InMemoryEmbedder().embed_audio(tone(10.0, 440.0))).vectors[0]
    first = await index.search(query, 10)
    assert await projection.apply(_ingested(track, "a.wav", 22.0)) == Applied(track, 4)

    assert projection.name == "embedding"
    assert await index.chunk_count(track) == 4
    assert await index.search(query, 10) == first


async def test_delete_removes_the_track_and_a_rebuild_replaces_all(files: NamedAudio) -> None:
    index = InMemoryVectorIndex()
    projection = _projection(files, index)
    kept, deleted = uuid4(), uuid4()
    await projection.apply(_ingested(kept, "a.wav", 22.0))
    await projection.apply(_ingested(deleted, "b.wav", 8.0))

    gone = _stored(3, TrackDeleted(deleted, storage_key="b.wav"))
    assert await projection.apply(gone) == Applied(deleted, None)
    assert await projection.apply(gone) == Applied(deleted, None)

    assert (await index.chunk_count(kept), await index.chunk_count(deleted)) == (4, 0)
    assert await index.track_counts() == {kept: 4}

    # A rebuild fills a new generation; searches read the live one until it is swapped in.
    await projection.begin_rebuild()
    assert await projection.apply(_ingested(deleted, "b.wav", 8.0)) == Applied(deleted, 1)
    assert await index.track_counts() == {kept: 4}
    await projection.finish_rebuild()
    assert await index.track_counts() == {deleted: 1}
    assert await index.chunk_count(kept) == 0


async def test_an_aborted_rebuild_leaves_the_live_index(files: NamedAudio) -> None:
    index = InMemoryVectorIndex()
    projection = _projection(files, index)
    track = uuid4()
    await projection.apply(_ingested(track, "a.wav", 22.0))

    await projection.begin_rebuild()
    await projection.apply(_stored(2, TrackDeleted(track, storage_key="a.wav")))
    await projection.abort_rebuild()

    assert await index.track_counts() == {track: 4}
    await projection.check()
    index.broken = True
    with pytest.raises(OSError, match="broken"):
        await projection.check()


async def test_a_reindex_request_is_applied_only_by_the_projection_it_names(
    files: NamedAudio,
) -> None:
    index = InMemoryVectorIndex()
    projection = _projection(files, index)
    track = uuid4()

    def request(projection_name: str) -> StoredEvent:
        return _stored(5, TrackReindexRequested(track, "a.wav", 22.0, projection_name))

    assert await projection.apply(request("fingerprint")) is None
    assert await index.chunk_count(track) == 0
    assert await projection.apply(request("embedding")) == Applied(track, 4)
    assert await index.chunk_count(track) == 4


async def test_replaying_an_event_whose_file_is_gone_skips_it(files: NamedAudio) -> None:
    index = InMemoryVectorIndex()
    track = uuid4()

    applied = await _projection(files, index).apply(_ingested(track, "deleted-later.wav", 30.0))

    assert applied == Applied(track, None)
    assert await index.chunk_count(track) == 0


async def test_clap_into_the_embedded_engine_end_to_end(
    files: NamedAudio, clap: ClapEmbedder, tmp_path: Path
) -> None:
    index = QdrantEdgeIndex(tmp_path / "qdrant")
    projection = EmbeddingProjection(cast(AudioStorage, files), files, clap, index)
    track = uuid4()

    await projection.apply(_ingested(track, "a.wav", 22.0))
    await projection.apply(_ingested(track, "a.wav", 22.0))

    assert await index.chunk_count(track) == 4
    query = (await clap.embed_audio(tone(22.0, 440.0))).vectors[2]
    (hit,) = await index.search(query, 1)
    assert hit.track_id == track
    assert hit.similarity == pytest.approx(1.0, abs=1e-4)
    await index.close()

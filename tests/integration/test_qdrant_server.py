"""What only the server adapter has: the alias layout, the pre-alias layout, shared readers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import uuid4

import numpy as np
import pytest
from qdrant_client import AsyncQdrantClient, models

from adapters.qdrant_server.vector_index import QdrantServerIndex
from domain.vibe.embedding import ChunkEmbeddings

pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect")

NAME = "chunks"


def _chunks(rows: int, seed: int = 0, dim: int = 8) -> ChunkEmbeddings:
    vectors = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return ChunkEmbeddings(vectors, np.arange(rows, dtype=np.float32) * 5, "m")


@pytest.fixture
async def client() -> AsyncIterator[AsyncQdrantClient]:
    client = AsyncQdrantClient(location=":memory:")
    yield client
    await client.close()


async def _layout(client: AsyncQdrantClient) -> tuple[list[str], dict[str, str]]:
    collections = sorted(c.name for c in (await client.get_collections()).collections)
    aliases = {a.alias_name: a.collection_name for a in (await client.get_aliases()).aliases}
    return collections, aliases


async def test_the_first_write_creates_a_collection_behind_the_alias(
    client: AsyncQdrantClient,
) -> None:
    index = QdrantServerIndex(client, collection=NAME)
    await index.upsert(uuid4(), _chunks(2))
    [real], aliases = await _layout(client)
    assert real.startswith(f"{NAME}_gen_") and aliases == {NAME: real}


async def test_a_rebuild_swaps_the_alias_and_drops_the_old_collection(
    client: AsyncQdrantClient,
) -> None:
    writer = QdrantServerIndex(client, collection=NAME)
    reader = QdrantServerIndex(client, collection=NAME)  # another process on the same server
    old, new = uuid4(), uuid4()
    await writer.upsert(old, _chunks(2))
    [before], _ = await _layout(client)
    assert await reader.track_counts() == {old: 2}

    await writer.begin_rebuild()
    await writer.upsert(new, _chunks(3, dim=12))  # a new model, a new dimension
    assert await reader.track_counts() == {old: 2}
    await writer.finish_rebuild()

    [after], aliases = await _layout(client)
    assert after != before and aliases == {NAME: after}
    assert await reader.track_counts() == {new: 3}
    (hit,) = await reader.search(_chunks(3, dim=12).vectors[2], 1)  # re-reads the dimension
    assert (hit.track_id, hit.chunk_index) == (new, 2)


async def test_a_pre_alias_collection_is_used_until_the_first_rebuild(
    client: AsyncQdrantClient,
) -> None:
    await client.create_collection(
        NAME, vectors_config=models.VectorParams(size=8, distance=models.Distance.COSINE)
    )
    index = QdrantServerIndex(client, collection=NAME)
    legacy, rebuilt = uuid4(), uuid4()
    await index.upsert(legacy, _chunks(2))
    assert await _layout(client) == ([NAME], {})
    assert await index.track_counts() == {legacy: 2}

    await index.begin_rebuild()
    await index.upsert(rebuilt, _chunks(1))
    assert await index.track_counts() == {legacy: 2}
    await index.finish_rebuild()

    [real], aliases = await _layout(client)
    assert real.startswith(f"{NAME}_gen_") and aliases == {NAME: real}
    assert await index.track_counts() == {rebuilt: 1}


async def test_a_crashed_rebuild_is_cleaned_up_by_the_next(client: AsyncQdrantClient) -> None:
    crashed = QdrantServerIndex(client, collection=NAME)
    await crashed.upsert(uuid4(), _chunks(1))
    await crashed.begin_rebuild()
    await crashed.upsert(uuid4(), _chunks(1))
    assert len((await _layout(client))[0]) == 2  # then the process dies

    owner = QdrantServerIndex(client, collection=NAME)
    await owner.begin_rebuild()
    await owner.abort_rebuild()
    [live], aliases = await _layout(client)
    assert aliases == {NAME: live}


async def test_an_empty_rebuild_drops_the_alias_and_its_collection(
    client: AsyncQdrantClient,
) -> None:
    index = QdrantServerIndex(client, collection=NAME)
    await index.upsert(uuid4(), _chunks(2))
    await index.begin_rebuild()
    await index.finish_rebuild()
    assert await _layout(client) == ([], {})
    assert await index.track_counts() == {}


async def test_other_collections_on_the_server_are_left_alone(client: AsyncQdrantClient) -> None:
    params = models.VectorParams(size=8, distance=models.Distance.COSINE)
    await client.create_collection(f"{NAME}_gen_other", vectors_config=params)
    await client.create_collection(f"{NAME}_2", vectors_config=params)
    index = QdrantServerIndex(client, collection=NAME)
    await index.upsert(uuid4(), _chunks(1))
    await index.begin_rebuild()
    await index.upsert(uuid4(), _chunks(1))
    await index.finish_rebuild()
    collections, _ = await _layout(client)
    assert {f"{NAME}_gen_other", f"{NAME}_2"} <= set(collections) and len(collections) == 3

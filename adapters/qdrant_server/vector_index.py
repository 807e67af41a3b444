from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt
from qdrant_client import AsyncQdrantClient, models

from adapters.qdrant.filters import excluding_tracks
from adapters.qdrant.points import (
    CHUNK_INDEX,
    MODEL,
    TRACK_ID,
    chunk_points,
    hit_from,
    sampled_chunk,
)
from adapters.qdrant_server.collections import (
    create_generation,
    drop_alias,
    generation_name,
    live_collection,
    orphan_generations,
    point_alias,
)
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch
from domain.vibe.embedding import ChunkEmbeddings

DEFAULT_COLLECTION = "audio_chunks"


@dataclass
class _Rebuild:
    collection: str
    dimension: int | None = None  # None until the first write creates the collection


class QdrantServerIndex:
    """Chunk vectors in a Qdrant server collection (or qdrant-client's local modes in tests).

    `collection` is an alias to a real collection (layout and the pre-alias legacy case in
    collections.py); every read goes through the alias, so a rebuild swapped in by the
    projector's process is seen by the next search anywhere. The real collection is created
    on the first write, with that write's dimension unless one was given. The dimension is
    only cached once seen, and re-read before a mismatch is reported, so a collection
    created or rebuilt by another process is found by the next search.
    """

    def __init__(
        self,
        client: AsyncQdrantClient | None = None,
        *,
        url: str | None = None,
        collection: str = DEFAULT_COLLECTION,
        dimension: int | None = None,
    ) -> None:
        if client is None and url is None:
            raise ValueError("give a client or the server's url")
        self._client = client or AsyncQdrantClient(url=url)
        self._collection = collection
        self._configured_dimension = dimension
        self._dimension: int | None = None
        self._rebuild: _Rebuild | None = None
        self._creating = asyncio.Lock()

    async def close(self) -> None:
        await self._client.close()

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        target = await self._write_target(embeddings.dimension)
        points = [
            models.PointStruct(id=point.id, vector=point.vector, payload=point.payload)
            for point in chunk_points(track_id, embeddings)
        ]
        if points:
            await self._client.upsert(target, points=points, wait=True)
        # A shorter re-embedding (new model, re-decoded file) must not leave old tail chunks.
        stale = _track_filter(track_id, from_chunk=len(points))
        await self._client.delete(target, models.FilterSelector(filter=stale), wait=True)

    async def remove(self, track_id: UUID) -> None:
        if self._rebuild is not None:
            if self._rebuild.dimension is None:
                return
            target = self._rebuild.collection
        elif await self._held_dimension() is None:
            return
        else:
            target = self._collection
        selector = models.FilterSelector(filter=_track_filter(track_id))
        await self._client.delete(target, selector, wait=True)

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        held = await self._held_dimension()
        if held is not None and len(vector) != held:
            self._dimension = None  # another process may have rebuilt it with a new model
            held = await self._held_dimension()
        if held is None or limit <= 0:
            return []
        if len(vector) != held:
            raise IndexDimensionMismatch(held, len(vector))
        response = await self._client.query_points(
            self._collection,
            query=vector.astype(float).tolist(),
            limit=limit,
            query_filter=excluding_tracks(models, exclude_track_ids),
            with_payload=models.PayloadSelectorExclude(exclude=[MODEL]),
        )
        return [hit_from(point.payload, point.score) for point in response.points]

    async def sample(self, count: int) -> list[tuple[UUID, npt.NDArray[np.float32]]]:
        if count <= 0 or await self._held_dimension() is None:
            return []
        response = await self._client.query_points(
            self._collection,
            query=models.SampleQuery(sample=models.Sample.RANDOM),
            limit=count,
            with_payload=models.PayloadSelectorInclude(include=[TRACK_ID]),
            with_vectors=True,
        )
        return [sampled_chunk(point.payload, point.vector) for point in response.points]

    async def chunk_count(self, track_id: UUID) -> int:
        if await self._held_dimension() is None:
            return 0
        result = await self._client.count(
            self._collection, count_filter=_track_filter(track_id), exact=True
        )
        return result.count

    async def check(self) -> None:
        await self._client.get_collections()  # raises when the server cannot be reached

    async def track_counts(self) -> dict[UUID, int]:
        if await self._held_dimension() is None:
            return {}
        points = (await self._client.count(self._collection, exact=True)).count
        if points == 0:
            return {}
        # Every track has at least one point, so `points` bounds the number of facet values.
        response = await self._client.facet(self._collection, TRACK_ID, limit=points, exact=True)
        return {UUID(str(hit.value)): hit.count for hit in response.hits}

    async def begin_rebuild(self) -> None:
        await self.abort_rebuild()
        # Only the projector (holding its lock) rebuilds, so unaliased generations are
        # leftovers of a crashed rebuild, not someone else's work in progress.
        live = await live_collection(self._client, self._collection)
        for orphan in await orphan_generations(self._client, self._collection, keep=live):
            await self._client.delete_collection(orphan)
        self._rebuild = _Rebuild(generation_name(self._collection))

    async def finish_rebuild(self) -> None:
        rebuild = self._rebuild
        if rebuild is None:
            raise RuntimeError("no rebuild in progress")
        old = await live_collection(self._client, self._collection)
        if rebuild.dimension is None:
            # Nothing was written: the rebuilt index is empty, as before any first write.
            self._rebuild = None
            await self._drop_live(old)
            return
        await point_alias(self._client, self._collection, rebuild.collection, old)
        # Only now: had the swap failed, `abort_rebuild` would still find the new collection.
        self._rebuild = None
        self._dimension = rebuild.dimension
        if old is not None and old != self._collection:
            await self._client.delete_collection(old)

    async def abort_rebuild(self) -> None:
        rebuild, self._rebuild = self._rebuild, None
        if rebuild is not None and rebuild.dimension is not None:
            await self._client.delete_collection(rebuild.collection)

    async def _drop_live(self, live: str | None) -> None:
        if live is not None and live != self._collection:
            await drop_alias(self._client, self._collection)
        if live is not None:
            await self._client.delete_collection(live)
        self._dimension = None

    async def _held_dimension(self) -> int | None:
        if self._dimension is None:
            live = await live_collection(self._client, self._collection)
            if live is None:
                return None
            info = await self._client.get_collection(live)
            params = info.config.params.vectors
            assert isinstance(params, models.VectorParams), "one unnamed vector per point"
            self._dimension = params.size
        return self._dimension

    async def _write_target(self, dimension: int) -> str:
        """Where writes go (the half-built generation during a rebuild), created if need be."""
        async with self._creating:
            rebuild = self._rebuild
            if rebuild is not None:
                if rebuild.dimension is None:
                    held = self._configured_dimension or dimension
                    await create_generation(self._client, rebuild.collection, held)
                    rebuild.dimension = held
                if dimension != rebuild.dimension:
                    raise IndexDimensionMismatch(rebuild.dimension, dimension)
                return rebuild.collection
            held = await self._held_dimension()
            if held is None:
                held = await self._create_live(self._configured_dimension or dimension)
            if dimension != held:
                raise IndexDimensionMismatch(held, dimension)
            return self._collection

    async def _create_live(self, dimension: int) -> int:
        created = generation_name(self._collection)
        await create_generation(self._client, created, dimension)
        try:
            await point_alias(self._client, self._collection, created, None)
        except Exception:
            # Another process may have created the index between our check and our alias.
            await self._client.delete_collection(created)
            if await live_collection(self._client, self._collection) is None:
                raise
        self._dimension = None  # re-read: it is the winner's, which may differ
        held = await self._held_dimension()
        assert held is not None
        return held


def _track_filter(track_id: UUID, from_chunk: int | None = None) -> models.Filter:
    conditions: list[models.Condition] = [
        models.FieldCondition(key=TRACK_ID, match=models.MatchValue(value=str(track_id)))
    ]
    if from_chunk is not None:
        conditions.append(
            models.FieldCondition(key=CHUNK_INDEX, range=models.Range(gte=from_chunk))
        )
    return models.Filter(must=conditions)

from __future__ import annotations

import asyncio
from collections.abc import Collection
from uuid import UUID

import numpy as np
import numpy.typing as npt
from qdrant_client import AsyncQdrantClient, models

from adapters.qdrant.points import CHUNK_INDEX, MODEL, TRACK_ID, chunk_points, hit_from
from domain.embedding import ChunkEmbeddings
from domain.ports.vector_index import ChunkHit, IndexDimensionMismatch

DEFAULT_COLLECTION = "audio_chunks"


class QdrantServerIndex:
    """Chunk vectors in a Qdrant server collection (or qdrant-client's local modes in tests).

    The collection is created on the first write, with that write's dimension unless one
    was given. Existence is only cached once seen, so a collection created by another
    process (the projector in `serve`, say) is found by the next search.
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
        self._creating = asyncio.Lock()

    async def close(self) -> None:
        await self._client.close()

    async def upsert(self, track_id: UUID, embeddings: ChunkEmbeddings) -> None:
        await self._ensure_collection(embeddings.dimension)
        points = [
            models.PointStruct(id=point.id, vector=point.vector, payload=point.payload)
            for point in chunk_points(track_id, embeddings)
        ]
        if points:
            await self._client.upsert(self._collection, points=points, wait=True)
        # A shorter re-embedding (new model, re-decoded file) must not leave old tail chunks.
        stale = _track_filter(track_id, from_chunk=len(points))
        await self._client.delete(self._collection, models.FilterSelector(filter=stale), wait=True)

    async def remove(self, track_id: UUID) -> None:
        if await self._held_dimension() is None:
            return
        selector = models.FilterSelector(filter=_track_filter(track_id))
        await self._client.delete(self._collection, selector, wait=True)

    async def search(
        self,
        vector: npt.NDArray[np.float32],
        limit: int,
        exclude_track_ids: Collection[UUID] = (),
    ) -> list[ChunkHit]:
        held = await self._held_dimension()
        if held is None or limit <= 0:
            return []
        if len(vector) != held:
            raise IndexDimensionMismatch(held, len(vector))
        excluded = models.Filter(
            must_not=[
                models.FieldCondition(
                    key=TRACK_ID, match=models.MatchAny(any=[str(t) for t in exclude_track_ids])
                )
            ]
        )
        response = await self._client.query_points(
            self._collection,
            query=vector.astype(float).tolist(),
            limit=limit,
            query_filter=excluded if exclude_track_ids else None,
            with_payload=models.PayloadSelectorExclude(exclude=[MODEL]),
        )
        return [hit_from(point.payload, point.score) for point in response.points]

    async def chunk_count(self, track_id: UUID) -> int:
        if await self._held_dimension() is None:
            return 0
        result = await self._client.count(
            self._collection, count_filter=_track_filter(track_id), exact=True
        )
        return result.count

    async def clear(self) -> None:
        if await self._client.collection_exists(self._collection):
            await self._client.delete_collection(self._collection)
        self._dimension = None

    async def _held_dimension(self) -> int | None:
        if self._dimension is None and await self._client.collection_exists(self._collection):
            info = await self._client.get_collection(self._collection)
            params = info.config.params.vectors
            assert isinstance(params, models.VectorParams), "one unnamed vector per point"
            self._dimension = params.size
        return self._dimension

    async def _ensure_collection(self, dimension: int) -> None:
        async with self._creating:
            held = await self._held_dimension()
            if held is None:
                held = self._configured_dimension or dimension
                await self._create(held)
            if dimension != held:
                raise IndexDimensionMismatch(held, dimension)

    async def _create(self, dimension: int) -> None:
        try:
            await self._client.create_collection(
                self._collection,
                vectors_config=models.VectorParams(size=dimension, distance=models.Distance.COSINE),
            )
        except Exception:
            # Another process may have created it between our check and our create.
            if not await self._client.collection_exists(self._collection):
                raise
        # Deletes and counts filter by track; the stale-tail delete ranges over chunk index.
        await self._client.create_payload_index(
            self._collection, TRACK_ID, field_schema=models.PayloadSchemaType.KEYWORD
        )
        await self._client.create_payload_index(
            self._collection, CHUNK_INDEX, field_schema=models.PayloadSchemaType.INTEGER
        )
        self._dimension = dimension


def _track_filter(track_id: UUID, from_chunk: int | None = None) -> models.Filter:
    conditions: list[models.Condition] = [
        models.FieldCondition(key=TRACK_ID, match=models.MatchValue(value=str(track_id)))
    ]
    if from_chunk is not None:
        conditions.append(
            models.FieldCondition(key=CHUNK_INDEX, range=models.Range(gte=from_chunk))
        )
    return models.Filter(must=conditions)

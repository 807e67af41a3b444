"""The alias layout of the server index: the configured name is an alias to a real collection.

A rebuild fills a fresh real collection and swaps the alias to it in one
`update_collection_aliases` call, which the server applies atomically: every reader, in
any process, goes on searching the alias name and sees the old collection or the new one,
never a mix. Real collections are named `<alias>_gen_<12 hex>`.

Before aliases, the index was a real collection under the configured name itself (a
"legacy" layout). It is used as is, reads and writes alike, until the first rebuild:
that one deletes it just before creating the alias (a name cannot be a collection and
an alias at once), so for that one swap, searches in between find no collection and
answer empty. Every later rebuild is seamless.
"""

from __future__ import annotations

import re
import uuid

from qdrant_client import AsyncQdrantClient, models

from adapters.qdrant.points import CHUNK_INDEX, TRACK_ID


def generation_name(alias: str) -> str:
    return f"{alias}_gen_{uuid.uuid4().hex[:12]}"


async def live_collection(client: AsyncQdrantClient, alias: str) -> str | None:
    """The real collection behind `alias`, the legacy collection of that name, or None."""
    for described in (await client.get_aliases()).aliases:
        if described.alias_name == alias:
            return described.collection_name
    # Checked after the aliases: a server may report an alias as an existing collection.
    return alias if await client.collection_exists(alias) else None


async def create_generation(client: AsyncQdrantClient, name: str, dimension: int) -> None:
    await client.create_collection(
        name, vectors_config=models.VectorParams(size=dimension, distance=models.Distance.COSINE)
    )
    # Deletes, counts and facets filter by track; the stale-tail delete ranges over chunks.
    await client.create_payload_index(name, TRACK_ID, field_schema=models.PayloadSchemaType.KEYWORD)
    await client.create_payload_index(
        name, CHUNK_INDEX, field_schema=models.PayloadSchemaType.INTEGER
    )


async def point_alias(
    client: AsyncQdrantClient, alias: str, collection: str, old: str | None
) -> None:
    """Make `alias` name `collection` in one atomic change (replacing the alias to `old`)."""
    operations: list[models.AliasOperations] = []
    if old is not None and old != alias:
        operations.append(
            models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))
        )
    elif old == alias:
        await client.delete_collection(alias)  # the legacy layout's one-time gap (see above)
    operations.append(
        models.CreateAliasOperation(
            create_alias=models.CreateAlias(collection_name=collection, alias_name=alias)
        )
    )
    await client.update_collection_aliases(change_aliases_operations=operations)


async def drop_alias(client: AsyncQdrantClient, alias: str) -> None:
    operation = models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias))
    await client.update_collection_aliases(change_aliases_operations=[operation])


async def orphan_generations(client: AsyncQdrantClient, alias: str, keep: str | None) -> list[str]:
    """Real collections of `alias` that nothing points to (left by a crashed rebuild)."""
    pattern = re.compile(rf"{re.escape(alias)}_gen_[0-9a-f]{{12}}")
    names = [c.name for c in (await client.get_collections()).collections]
    return [name for name in names if pattern.fullmatch(name) and name != keep]

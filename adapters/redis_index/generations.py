"""Generations of the Redis index: which exist, and dropping one that is no longer live.

A rebuild writes into a fresh generation (its own key prefix) while searches read the
live one; one call on the root slot swaps the pointer (`current`). The replaced
generation is then dropped: marked `dropping` first (a search still reading it notices
and reads again, see snapshot.py), then its keys are scanned for on every master and
unlinked, then its metadata goes. A drop cut short (the process ended) leaves the mark,
and the next writer sweeps it up.
"""

from __future__ import annotations

import logging

from redis.asyncio.cluster import RedisCluster

from adapters.redis_index.client import master_of
from adapters.redis_index.functions import FORGET
from adapters.redis_index.layout import Keys, field

log = logging.getLogger(__name__)
SCAN_BATCH = 1000
LEFT_OVER = (b"dropping", b"retired")  # not live, not being built: safe to drop


async def generation_states(client: RedisCluster, keys: Keys) -> dict[int, bytes]:
    """Every generation the root knows of, and its state."""
    root: dict[bytes, bytes] = await client.hgetall(keys.root)  # type: ignore[misc]
    states: dict[int, bytes] = {}
    for name, value in root.items():
        if name.startswith(b"g") and name.endswith(b":state"):
            states[int(name[1 : -len(b":state")])] = value
    return states


async def drop_generation(client: RedisCluster, keys: Keys, generation: int) -> int:
    """Delete a generation that is not live; returns the keys unlinked."""
    current = await client.hget(keys.root, "current")  # type: ignore[misc]
    if current is not None and int(current) == generation:
        raise RuntimeError(f"generation {generation} is live: it cannot be dropped")
    await client.hset(keys.root, field("state", generation), "dropping")  # type: ignore[misc]
    pattern = keys.prefix(generation) + b"*"
    unlinked = 0
    for node in client.get_primaries():
        cursor = 0
        while True:
            cursors, found = await client.execute_command(
                "SCAN", cursor, "MATCH", pattern, "COUNT", SCAN_BATCH, target_nodes=node
            )
            cursor = int(cursors[node.name])  # redis-py answers a cursor per node scanned
            if found:
                pipe = client.pipeline()
                for key in found:
                    pipe.execute_command("UNLINK", key, target_nodes=node)
                unlinked += sum(await pipe.execute())
            if cursor == 0:
                break
    await client.execute_command(
        "FCALL",
        FORGET,
        2,
        keys.root,
        keys.numbers(generation),
        generation,
        target_nodes=master_of(client, keys.root),
    )
    log.info("dropped generation %d of the Redis fingerprint index (%d keys)", generation, unlinked)
    return unlinked

"""The cluster client the index uses, and loading the index's functions onto its masters."""

from __future__ import annotations

import asyncio
import logging

from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ResponseError

from adapters.redis_index.functions import LIBRARY, SOURCE

CONNECT_SECONDS = 2.0
COMMAND_SECONDS = 5.0
# A few quick retries ride out a MOVED storm or a dropped connection; a master that stays
# down fails the call within about a second, which the caller reports as unavailable
# rather than wait out a failover inside a search's deadline.
RETRIES = 3

log = logging.getLogger(__name__)


def connect(url: str) -> RedisCluster:
    """A client for the cluster that `url` (redis:// or rediss://, any node) seeds. Reads
    go to masters only (the default): a replica may lag behind the order of writes that the
    snapshot relies on."""
    return RedisCluster.from_url(
        url,
        socket_connect_timeout=CONNECT_SECONDS,
        socket_timeout=COMMAND_SECONDS,
        retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), RETRIES),
    )


def stored(value: bytes | str) -> bytes:
    """A reply's value: redis-py types replies as bytes or str, and this client (without
    decode_responses) always gets bytes."""
    assert isinstance(value, bytes)
    return value


REPLICATION_WAIT_MS = 2000


async def replicated(client: RedisCluster) -> None:
    """Waits until every master's replicas hold its writes so far. Replication is
    asynchronous: a master that fails over right after a put would otherwise take the
    put's last writes with it (the index's root among them), and searches would find no
    track where one was stored. A master whose replicas do not answer in time is logged,
    not failed: the write stands on its master."""
    replicas_of: dict[str, int] = {}
    for holders in client.nodes_manager.slots_cache.values():
        if holders:
            replicas_of[holders[0].name] = len(holders) - 1
    waits = [
        (node, count)
        for node in client.get_primaries()
        if (count := replicas_of.get(node.name, 0)) > 0
    ]
    acknowledged = await asyncio.gather(
        *(
            client.execute_command("WAIT", count, REPLICATION_WAIT_MS, target_nodes=node)
            for node, count in waits
        )
    )
    for (node, count), got in zip(waits, acknowledged, strict=True):
        if int(got) < count:
            log.warning("Redis master %s: %s of its %d replicas took a put", node.name, got, count)


def master_of(client: RedisCluster, key: bytes) -> ClusterNode:
    """The master that serves `key`'s slot, as the client last learnt it (a MOVED reply
    teaches it the new one; the command is then resent there)."""
    return client.nodes_manager.get_node_from_slot(client.keyslot(key))


async def load_functions(client: RedisCluster) -> None:
    """The index's function library on every master (replicas get it by replication)."""
    for node in client.get_primaries():
        try:
            await client.execute_command("FUNCTION", "LOAD", SOURCE, target_nodes=node)
        except ResponseError as error:
            if "already exists" not in str(error):
                raise
    # A library loaded by an earlier version under the same name would answer wrongly.
    for node in client.get_primaries():
        listed = await client.execute_command(
            "FUNCTION", "LIST", "LIBRARYNAME", LIBRARY, "WITHCODE", target_nodes=node
        )
        if not _same_code(listed):
            raise RuntimeError(
                f"Redis node {node.name} holds a different {LIBRARY} library; "
                "delete it (FUNCTION DELETE) or give this version's library a new name"
            )


def _same_code(listed: object) -> bool:
    """Does FUNCTION LIST ... WITHCODE's reply hold exactly our library's code?"""
    if not isinstance(listed, list) or len(listed) != 1:
        return False
    fields = listed[0]
    if isinstance(fields, dict):
        code = fields.get(b"library_code")
    else:
        pairs = dict(zip(fields[::2], fields[1::2], strict=True))
        code = pairs.get(b"library_code")
    return code == SOURCE.encode()

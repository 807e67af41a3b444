"""The cluster client the index uses, and loading the index's functions onto its masters."""

from __future__ import annotations

import asyncio

from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ResponseError

from adapters.redis_index.functions import LIBRARY, SOURCE
from adapters.redis_index.layout import Keys
from domain.errors import IndexUnavailable

CONNECT_SECONDS = 2.0
COMMAND_SECONDS = 5.0
# A few quick retries ride out a MOVED storm or a dropped connection; a master that stays
# down fails the call within about a second, which the caller reports as unavailable
# rather than wait out a failover inside a search's deadline.
RETRIES = 3


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


# Below COMMAND_SECONDS: WAIT blocks on the server, and the socket must outlast it.
REPLICATION_WAIT_MS = 3000
# The write a master's WAIT waits for: allowed on a master past its maxmemory, so a
# removal (which only frees memory) is never refused for want of room for it.
BARRIER = "#!lua flags=allow-oom\nreturn redis.call('SET', KEYS[1], '1')\n"
BARRIER_TRIES = 1 << 20  # names tried for a key that a master serves (a few, usually)


async def replicated(client: RedisCluster, keys: Keys) -> None:
    """Returns once every master's replicas hold its writes so far; raises IndexUnavailable
    (the write stands on its master, and applying it again is harmless) when they do not
    within REPLICATION_WAIT_MS. Replication is asynchronous: a master failing over right
    after a put takes the put's last writes with it (the index's root among them), and
    searches would find no track where one was stored; so an acknowledged write must be on
    every replica that could be promoted.

    WAIT counts replicas that hold the writes of the connection it is sent on, and the
    client spreads a put's commands over several connections per node: so each master
    gets a write of its own (a barrier key's SET; replication keeps a master's writes in
    order) and the WAIT behind it, on one connection (a pipeline). Each master counts its
    replicas itself (_replicas_of): the client's slot map comes from CLUSTER SLOTS, which
    leaves out a replica that has taken no write yet (offset 0, as every replica right
    after it joins), the very replica that lacks the write."""
    masters = client.get_primaries()
    counts = await asyncio.gather(*(_replicas_of(client, node) for node in masters))
    waits = [(node, count) for node, count in zip(masters, counts, strict=True) if count]
    if not waits:
        return
    pipe = client.pipeline()
    for node, count in waits:
        barrier = _barrier_key(client, keys, node)
        pipe.execute_command("EVAL", BARRIER, 1, barrier, target_nodes=node)
        pipe.execute_command("WAIT", count, REPLICATION_WAIT_MS, target_nodes=node)
    acknowledged = (await pipe.execute())[1::2]
    short = [
        f"{node.name}: {got} of {count}"
        for (node, count), got in zip(waits, acknowledged, strict=True)
        if int(got) < count
    ]
    if short:
        raise IndexUnavailable(
            "the fingerprint index (Redis Cluster) did not replicate a write in "
            f"{REPLICATION_WAIT_MS} ms (replicas that took it, per master: "
            f"{', '.join(short)}); a failover now could lose it",
            {"store": "fingerprint_index"},
        )


def _barrier_key(client: RedisCluster, keys: Keys, node: ClusterNode) -> bytes:
    """The first of the namespace's barrier keys that `node` serves."""
    for number in range(BARRIER_TRIES):
        key = keys.barrier(number)
        if master_of(client, key).name == node.name:
            return key
    raise IndexUnavailable(
        f"Redis master {node.name} serves none of {BARRIER_TRIES} barrier keys",
        {"store": "fingerprint_index"},
    )


async def _replicas_of(client: RedisCluster, node: ClusterNode) -> int:
    """How many replicas `node` has that a failover could promote: those connected to it
    now (INFO), and those the cluster lists as its replicas and has not marked failed
    (CLUSTER NODES; a replica cut off for a moment is still elected if its master dies).
    Either list alone lags: a replica that just attached is connected before the gossip
    tells its master's node table, and a disconnected one is in the table only."""
    info, listing = await asyncio.gather(
        client.info("replication", target_nodes=node),
        client.execute_command("CLUSTER", "NODES", target_nodes=node),
    )
    connected = {
        f"{value['ip']}:{value['port']}"
        for name, value in info.items()
        if name.startswith("slave") and isinstance(value, dict)
    }
    lines = [line.split() for line in stored(listing).decode().splitlines()]
    myself = next(fields[0] for fields in lines if "myself" in fields[2].split(","))
    listed = {
        fields[1].split("@")[0]
        for fields in lines
        if fields[3] == myself and not {"fail", "noaddr"} & set(fields[2].split(","))
    }
    return len(connected | listed)


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

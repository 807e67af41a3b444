"""Commands per hash-tag group of postings, sent as one pipeline per node.

Each group's command goes straight to the master the client believes serves the group's
slot. When a slot moved (MOVED), the command is sent again through redis-py, which learns
the new owner. While a slot is being migrated, Redis refuses a command over several of
its keys once some have moved (TRYAGAIN, or ASK when all have): that group is then done
key by key, each key's command following its own ASK redirection, so searches and writes
go on through a resharding instead of failing until it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from redis.asyncio.cluster import RedisCluster
from redis.exceptions import AskError, MovedError, ResponseError, TryAgainError

from adapters.redis_index.client import master_of


@dataclass(frozen=True, slots=True)
class GroupCommand:
    """One command over `keys` (all of one group), and the same work for one key."""

    keys: Sequence[bytes]
    whole: tuple[Any, ...]
    one: Callable[[int, bytes], tuple[Any, ...]]  # (position in keys, key) -> command


async def run_grouped(client: RedisCluster, commands: Sequence[GroupCommand]) -> list[Any]:
    """Each command's reply; a group done key by key answers with the list of its keys'
    replies, in order. Any other error is raised."""
    pipe = client.pipeline()
    for command in commands:
        pipe.execute_command(*command.whole, target_nodes=master_of(client, command.keys[0]))
    replies = await pipe.execute(raise_on_error=False, allow_redirections=False)
    for at, (command, reply) in enumerate(zip(commands, replies, strict=True)):
        if isinstance(reply, MovedError):  # the slot has a new owner: redis-py follows
            replies[at] = await client.execute_command(*command.whole)
        elif _mid_migration(reply):
            replies[at] = await _key_by_key(client, command)
        elif isinstance(reply, Exception):
            raise reply
    return replies


def _mid_migration(reply: object) -> bool:
    return isinstance(reply, TryAgainError | AskError) or (
        isinstance(reply, ResponseError) and str(reply).startswith(("TRYAGAIN", "ASK "))
    )


async def _key_by_key(client: RedisCluster, command: GroupCommand) -> list[Any]:
    pipe = client.pipeline()
    for at, key in enumerate(command.keys):
        pipe.execute_command(*command.one(at, key), target_nodes=master_of(client, key))
    replies = await pipe.execute(raise_on_error=False, allow_redirections=False)
    for at, (key, reply) in enumerate(zip(command.keys, replies, strict=True)):
        if isinstance(reply, AskError):
            replies[at] = await _asked(client, reply, command.one(at, key))
        elif isinstance(reply, MovedError):
            replies[at] = await client.execute_command(*command.one(at, key))
        elif isinstance(reply, Exception):
            raise reply
    return replies


async def _asked(client: RedisCluster, ask: AskError, one: tuple[Any, ...]) -> Any:
    """`one` on the node importing its key, right behind ASKING on the same connection (one
    pipeline): redis-py follows an ASK by sending ASKING as a command of its own, which
    takes whichever pooled connection is free, so once a node has more than one the
    command can arrive without it, be sent back (MOVED), and loop until its TTL runs out."""
    node = client.get_node(ask.host, ask.port)
    if node is None:
        raise ask
    pipe = client.pipeline()
    pipe.execute_command("ASKING", target_nodes=node)
    pipe.execute_command(*one, target_nodes=node)
    return (await pipe.execute(allow_redirections=False))[1]

"""Redis Cluster failures in the index's terms: a full cluster is `IndexFull` (as LMDB's
full disk or map is), anything else that stops a read or a write is `IndexUnavailable`
(HTTP 503): a node down, a failover or resharding under way, a lost connection. Never a
partial answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from redis.exceptions import OutOfMemoryError, RedisClusterException, RedisError, ResponseError

from domain.errors import IndexFull, IndexUnavailable


class GenerationDropped(Exception):
    """The generation a snapshot read is being deleted (a rebuild replaced it): read again."""


def is_out_of_memory(error: BaseException) -> bool:
    return isinstance(error, OutOfMemoryError) or (
        isinstance(error, ResponseError) and "OOM command not allowed" in str(error)
    )


def is_missing_function(error: BaseException) -> bool:
    """A master without our functions (one added to the cluster after they were loaded)."""
    return isinstance(error, ResponseError) and "function not found" in str(error).lower()


def translated(error: BaseException, doing: str) -> IndexFull | IndexUnavailable | None:
    """The domain error for a Redis failure met while `doing` something; None if it is not
    one (a bug, or a refusal of ours, which keeps its own type)."""
    if is_out_of_memory(error):
        return IndexFull(
            "the fingerprint index is full: a Redis Cluster master is at its maxmemory; "
            f"raise maxmemory or add masters ({doing}: {error})"
        )
    if isinstance(error, RedisError | RedisClusterException | OSError):
        return IndexUnavailable(
            f"the fingerprint index (Redis Cluster) cannot answer right now: {doing} failed "
            f"with {type(error).__name__}: {error}",
            {"store": "fingerprint_index"},
        )
    return None


@contextmanager
def cluster_errors(doing: str) -> Iterator[None]:
    """Raise Redis failures inside as the domain's errors (see `translated`)."""
    try:
        yield
    except (RedisError, RedisClusterException, OSError) as error:
        domain = translated(error, doing)
        if domain is None:
            raise
        raise domain from error

"""Telling a database outage (server down, restarting, connection lost) from a bad query,
and saying it as `DatabaseUnavailable` (HTTP 503) instead of an internal error."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.exc import DBAPIError, InterfaceError

from domain.errors import DatabaseUnavailable

_OUTAGES = (
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,  # starting up or shutting down
    asyncpg.AdminShutdownError,  # the server was stopped under the session
    asyncpg.InterfaceError,  # the connection is closed
    InterfaceError,
)


def is_outage(error: BaseException, *, connecting: bool = False) -> bool:
    """Whether `error`, or anything it was raised from, says the server is unreachable.
    A bare OSError (refused, no socket file, timed out) counts only while `connecting`:
    inside a transaction it may come from other code (a file), not from the database."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _OUTAGES) or (connecting and isinstance(current, OSError)):
            return True
        if isinstance(current, DBAPIError) and current.connection_invalidated:
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def unavailable(error: BaseException) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        "the database is unavailable; nothing was changed, try again shortly",
        {"reason": f"{type(error).__name__}: {error}"[:300]},
    )


@asynccontextmanager
async def outages_said_plainly(*, connecting: bool = True) -> AsyncIterator[None]:
    """Re-raise an outage inside the block (database calls only) as `DatabaseUnavailable`."""
    try:
        yield
    except DatabaseUnavailable:
        raise
    except Exception as error:
        if is_outage(error, connecting=connecting):
            raise unavailable(error) from error
        raise

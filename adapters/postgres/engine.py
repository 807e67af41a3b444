"""Engine construction and URL spelling for the two drivers in play."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def sqlalchemy_url(database_url: str) -> str:
    """The URL with SQLAlchemy's asyncpg driver, whatever spelling the user gave."""
    url = make_url(database_url)
    return url.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def asyncpg_dsn(database_url: str) -> str:
    """The URL as asyncpg itself accepts it (no '+driver' part)."""
    url = make_url(database_url)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def create_engine(database_url: str, pool_size: int = 5) -> AsyncEngine:
    return create_async_engine(
        sqlalchemy_url(database_url), pool_size=pool_size, pool_pre_ping=True
    )

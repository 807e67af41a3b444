from __future__ import annotations

from typing import Protocol

from domain.projections.nodes import ProjectionKey
from domain.projections.records import ReplayRequest


class ReplayRequests(Protocol):
    """Requests to rebuild a node's projection; the process holding that copy's lock (that
    node's `serve` or worker) carries them out."""

    async def request(self, projection: ProjectionKey) -> int:
        """Queue a rebuild and return its id; an unfinished one for `projection` is reused."""
        ...

    async def get(self, request_id: int) -> ReplayRequest | None: ...

    async def pending(self, projection: ProjectionKey) -> ReplayRequest | None:
        """The oldest unfinished request for `projection`."""
        ...

    async def progress(self, request_id: int, position: int, target: int) -> None:
        """Record how far the rebuild got (marks it started)."""
        ...

    async def finish(self, request_id: int, error: str | None = None) -> None: ...

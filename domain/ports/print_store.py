from __future__ import annotations

from typing import Protocol


class PrintStore(Protocol):
    """Keeps tracks' stored prints (domain.exact.stored_prints), content-addressed by the
    SHA-256 of their bytes, where every serving node reads them."""

    async def put(self, content: bytes) -> str:
        """Store `content` (atomically) and return its key; idempotent per content."""
        ...

    async def get(self, key: str) -> bytes:
        """The stored bytes. Raises FileNotFoundError if absent, ValueError for a key that
        is not one of this store's."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the stored bytes; a missing key is not an error."""
        ...

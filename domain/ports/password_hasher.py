from __future__ import annotations

from typing import Protocol


class PasswordHasher(Protocol):
    """One-way password hashing (slow on purpose; adapters run it off the event loop)."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool:
        """True when `password` produced `password_hash`; False otherwise (never raises)."""
        ...

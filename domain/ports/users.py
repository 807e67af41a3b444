from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.accounts.user import User


class UserRepository(Protocol):
    """The accounts of the HTTP API. Each call is its own transaction (no unit of work:
    accounts never change together with tracks or events)."""

    async def add(self, user: User) -> None:
        """Store a new account; raises UsernameTaken if the username exists."""
        ...

    async def get(self, user_id: UUID) -> User | None: ...

    async def get_by_username(self, username: str) -> User | None:
        """The account with this (already normalized) username."""
        ...

    async def count(self) -> int: ...

    async def list_all(self) -> list[User]:
        """Every account, by username."""
        ...

    async def remove(self, user_id: UUID) -> bool:
        """Delete the account (its tokens stop working); False if there was none."""
        ...

    async def set_password_hash(self, user_id: UUID, password_hash: str) -> bool:
        """Replace the account's password hash; False if there is no such account."""
        ...

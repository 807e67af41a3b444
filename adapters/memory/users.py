from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from domain.accounts.user import User, UsernameTaken


class InMemoryUserRepository:
    def __init__(self) -> None:
        self._by_id: dict[UUID, User] = {}

    async def add(self, user: User) -> None:
        if await self.get_by_username(user.username) is not None:
            raise UsernameTaken(user.username)
        self._by_id[user.id] = user

    async def get(self, user_id: UUID) -> User | None:
        return self._by_id.get(user_id)

    async def get_by_username(self, username: str) -> User | None:
        return next((u for u in self._by_id.values() if u.username == username), None)

    async def count(self) -> int:
        return len(self._by_id)

    async def list_all(self) -> list[User]:
        return sorted(self._by_id.values(), key=lambda u: u.username)

    async def remove(self, user_id: UUID) -> bool:
        return self._by_id.pop(user_id, None) is not None

    async def set_password_hash(self, user_id: UUID, password_hash: str) -> bool:
        user = self._by_id.get(user_id)
        if user is None:
            return False
        self._by_id[user_id] = replace(user, password_hash=password_hash)
        return True

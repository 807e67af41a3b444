from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.outage import outages_said_plainly
from adapters.postgres.tables import users as table
from domain.accounts.user import Role, User, UsernameTaken


class PostgresUserRepository:
    """Accounts in the `users` table; each call runs in its own short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, user: User) -> None:
        values = {
            "id": user.id,
            "username": user.username,
            "password_hash": user.password_hash,
            "role": user.role.value,
            "created_at": user.created_at,
        }
        try:
            async with outages_said_plainly(), self._engine.begin() as conn:
                await conn.execute(table.insert().values(**values))
        except IntegrityError as error:
            raise UsernameTaken(user.username) from error

    async def get(self, user_id: UUID) -> User | None:
        return await self._one(table.c.id == user_id)

    async def get_by_username(self, username: str) -> User | None:
        return await self._one(table.c.username == username)

    async def count(self) -> int:
        async with outages_said_plainly(), self._engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())

    async def list_all(self) -> list[User]:
        async with outages_said_plainly(), self._engine.connect() as conn:
            rows = await conn.execute(select(table).order_by(table.c.username))
            return [_user(row) for row in rows]

    async def remove(self, user_id: UUID) -> bool:
        async with outages_said_plainly(), self._engine.begin() as conn:
            result = await conn.execute(delete(table).where(table.c.id == user_id))
        return result.rowcount > 0

    async def set_password_hash(self, user_id: UUID, password_hash: str) -> bool:
        changed = update(table).where(table.c.id == user_id).values(password_hash=password_hash)
        async with outages_said_plainly(), self._engine.begin() as conn:
            result = await conn.execute(changed)
        return result.rowcount > 0

    async def _one(self, condition: Any) -> User | None:
        async with outages_said_plainly(), self._engine.connect() as conn:
            row = (await conn.execute(select(table).where(condition))).one_or_none()
        return None if row is None else _user(row)


def _user(row: Any) -> User:
    return User(row.username, row.password_hash, Role(row.role), row.created_at, row.id)

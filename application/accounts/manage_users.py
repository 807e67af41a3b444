"""Use cases: list the accounts, delete one, set a new password."""

from __future__ import annotations

from domain.accounts.user import User, UserNotFound, check_password, normalize_username
from domain.ports.password_hasher import PasswordHasher
from domain.ports.users import UserRepository


class ListUsers:
    """Every account, by username (hashes included: callers show only what they need)."""

    def __init__(self, users: UserRepository) -> None:
        self._users = users

    async def __call__(self) -> list[User]:
        return await self._users.list_all()


class DeleteUser:
    """Delete an account by username; its tokens stop working at once (each request looks
    the token's user up). Raises UserNotFound."""

    def __init__(self, users: UserRepository) -> None:
        self._users = users

    async def __call__(self, username: str) -> User:
        user = await _existing(self._users, username)
        if not await self._users.remove(user.id):
            raise UserNotFound(user.username)  # deleted meanwhile
        return user


class ChangePassword:
    """Set a new password (at least PASSWORD_MIN_LENGTH characters). Raises UserNotFound,
    InvalidUsername for a short password. Tokens already issued stay valid until they expire."""

    def __init__(self, users: UserRepository, hasher: PasswordHasher) -> None:
        self._users, self._hasher = users, hasher

    async def __call__(self, username: str, password: str) -> User:
        check_password(password)
        user = await _existing(self._users, username)
        if not await self._users.set_password_hash(user.id, await self._hasher.hash(password)):
            raise UserNotFound(user.username)
        return user


async def _existing(users: UserRepository, username: str) -> User:
    name = normalize_username(username)
    user = await users.get_by_username(name)
    if user is None:
        raise UserNotFound(name)
    return user

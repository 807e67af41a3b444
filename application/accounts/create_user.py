"""Use case: create an account for the HTTP API."""

from __future__ import annotations

from domain.accounts.user import Role, User, check_password, normalize_username
from domain.ports.clock import Clock
from domain.ports.password_hasher import PasswordHasher
from domain.ports.users import UserRepository


class CreateUser:
    """Normalize the username, hash the password and store the account.

    Raises InvalidUsername for an unusable name or a password under the minimum length,
    and UsernameTaken when the name exists.
    """

    def __init__(self, users: UserRepository, hasher: PasswordHasher, clock: Clock) -> None:
        self._users, self._hasher, self._clock = users, hasher, clock

    async def __call__(self, username: str, password: str, role: Role = Role.USER) -> User:
        name = normalize_username(username)
        check_password(password)
        user = User(name, await self._hasher.hash(password), role, self._clock.now())
        await self._users.add(user)
        return user

"""The caller's bearer token, and the checks routes ask for (reader, user, admin)."""

from __future__ import annotations

from dataclasses import dataclass

from application.accounts.authenticate import Authorize
from domain.accounts.user import Unauthorized, User


@dataclass(frozen=True, slots=True)
class Access:
    authorize: Authorize
    token: str | None

    @classmethod
    def from_header(cls, authorize: Authorize, header: str | None) -> Access:
        if not header:
            return cls(authorize, None)
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("use 'Authorization: Bearer <token>'")
        return cls(authorize, token.strip())

    async def reader(self) -> User | None:
        """Anyone, unless REQUIRE_USER_TOKEN; a token given must be valid either way."""
        return await self.authorize.reader(self.token)

    async def user(self) -> User:
        return await self.authorize.user(self.token)

    async def admin(self) -> User:
        return await self.authorize.admin(self.token)

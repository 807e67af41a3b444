"""Sign-in (OAuth2 password form) and who the caller is."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec

from domain.accounts.user import Role, User


class TokenForm(msgspec.Struct, kw_only=True):
    """application/x-www-form-urlencoded, as OAuth2's password grant sends it."""

    username: str
    password: str
    grant_type: Literal["password"] | None = None
    scope: str | None = None


class TokenResponse(msgspec.Struct, kw_only=True):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int
    expires_at: datetime


class UserOut(msgspec.Struct, kw_only=True):
    id: UUID
    username: str
    role: Literal["admin", "user"]
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        role: Literal["admin", "user"] = "admin" if user.role is Role.ADMIN else "user"
        return cls(id=user.id, username=user.username, role=role, created_at=user.created_at)

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.accounts.user import Role


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: UUID
    role: Role
    expires_at: datetime


class TokenIssuer(Protocol):
    """Signed, expiring bearer tokens naming a user."""

    def issue(self, user_id: UUID, role: Role) -> IssuedToken: ...

    def verify(self, token: str) -> TokenClaims:
        """The claims of a valid token; raises Unauthorized for expired or forged ones."""
        ...

from __future__ import annotations

import secrets
from datetime import timedelta
from uuid import UUID

from domain.accounts.user import Role, Unauthorized
from domain.ports.clock import Clock
from domain.ports.token_issuer import IssuedToken, TokenClaims


class InMemoryTokenIssuer:
    """Random opaque tokens remembered in a dict; expiry follows the given clock."""

    def __init__(self, clock: Clock, ttl_seconds: float = 3600) -> None:
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._issued: dict[str, TokenClaims] = {}

    def issue(self, user_id: UUID, role: Role) -> IssuedToken:
        token = secrets.token_urlsafe(24)
        expires_at = self._clock.now() + self._ttl
        self._issued[token] = TokenClaims(user_id, role, expires_at)
        return IssuedToken(token, expires_at)

    def verify(self, token: str) -> TokenClaims:
        claims = self._issued.get(token)
        if claims is None:
            raise Unauthorized("the token is not valid")
        if claims.expires_at <= self._clock.now():
            raise Unauthorized("the token has expired")
        return claims

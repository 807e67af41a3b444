from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import jwt

from domain.accounts.user import Role, Unauthorized
from domain.ports.clock import Clock
from domain.ports.token_issuer import IssuedToken, TokenClaims

ALGORITHM = "HS256"
ISSUER = "audio-ident"


class JwtTokenIssuer:
    """HS256-signed JWTs: `sub` is the user id, `role` the role, `exp` the expiry.

    The role in the token is informational; callers reload the user, so a changed role
    or a deleted account takes effect before the token expires.
    """

    def __init__(self, secret: str, clock: Clock, ttl_seconds: float = 3600) -> None:
        if not secret:
            raise ValueError("a JWT secret is required")
        self._secret = secret
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)

    def issue(self, user_id: UUID, role: Role) -> IssuedToken:
        now = self._clock.now()
        expires_at = now + self._ttl
        claims = {
            "sub": str(user_id),
            "role": role.value,
            "iss": ISSUER,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
        }
        return IssuedToken(jwt.encode(claims, self._secret, algorithm=ALGORITHM), expires_at)

    def verify(self, token: str) -> TokenClaims:
        try:
            # Expiry is checked against our clock (a port), not PyJWT's wall clock.
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"verify_exp": False, "require": ["sub", "exp", "role", "iss"]},
            )
            expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
            user_id, role = UUID(str(claims["sub"])), Role(claims["role"])
        except (jwt.InvalidTokenError, ValueError, TypeError) as error:
            raise Unauthorized("the token is not valid") from error
        if expires_at <= self._clock.now():
            raise Unauthorized("the token has expired")
        return TokenClaims(user_id, role, expires_at)

"""Accounts of the HTTP API: password hashing and signed tokens."""

from __future__ import annotations

import secrets

import structlog
from dishka import Provider, Scope, provide

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.jwt.token_issuer import JwtTokenIssuer
from adapters.memory.login_failures import InMemoryLoginFailures
from domain.ports.clock import Clock
from domain.ports.login_failures import LoginFailures
from domain.ports.password_hasher import PasswordHasher
from domain.ports.token_issuer import TokenIssuer
from entrypoints.settings import Settings

log = structlog.get_logger(__name__)


class AccountsProvider(Provider):
    scope = Scope.APP

    @provide
    def login_failures(self) -> LoginFailures:
        """Counted in this process: `serve` is one process. Several serve processes
        would each allow the limit; a shared store (Postgres) would then be needed."""
        return InMemoryLoginFailures()

    @provide
    def hasher(self) -> PasswordHasher:
        return Argon2PasswordHasher()

    @provide
    def tokens(self, settings: Settings, clock: Clock) -> TokenIssuer:
        secret = settings.jwt_secret
        if not secret:
            # Development only (settings refuse production without one): tokens die with
            # the process.
            log.warning("JWT_SECRET is not set: using a random secret for this process")
            secret = secrets.token_urlsafe(48)
        return JwtTokenIssuer(secret, clock, settings.jwt_ttl_seconds)

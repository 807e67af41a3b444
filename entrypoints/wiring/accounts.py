"""Accounts of the HTTP API: password hashing and signed tokens."""

from __future__ import annotations

import structlog
from dishka import Provider, Scope, provide

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.jwt.secret_file import kept_secret
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
            # Development only (settings refuse production without one): a secret of the
            # data root's own, so that tokens outlive a restart.
            secret = kept_secret(settings.audio_storage_root)
            log.info("JWT_SECRET is not set: tokens are signed with the data root's secret")
        return JwtTokenIssuer(secret, clock, settings.jwt_ttl_seconds)

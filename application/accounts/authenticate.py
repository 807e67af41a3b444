"""Use cases: exchange a password for a token, and tell who a token belongs to."""

from __future__ import annotations

import secrets
import weakref

from application.accounts.login_throttle import LoginThrottle
from domain.accounts.user import Forbidden, Unauthorized, User, normalize_username
from domain.errors import AudioIdentError
from domain.ports.password_hasher import PasswordHasher
from domain.ports.token_issuer import IssuedToken, TokenIssuer
from domain.ports.users import UserRepository


class Authenticate:
    """Username and password → a signed token; raises Unauthorized otherwise.

    An unknown username costs one hash verification too, so response times do not tell
    which usernames exist. Failures count against the account and the caller's `address`
    (`LoginThrottle`); past the limit `TooManyAttempts` is raised before any hashing.
    """

    def __init__(
        self,
        users: UserRepository,
        hasher: PasswordHasher,
        tokens: TokenIssuer,
        throttle: LoginThrottle,
    ) -> None:
        self._users, self._hasher, self._tokens = users, hasher, tokens
        self._throttle = throttle

    async def __call__(
        self, username: str, password: str, address: str | None = None
    ) -> tuple[User, IssuedToken]:
        try:
            name = normalize_username(username)
        except AudioIdentError:
            name = ""
        await self._throttle.check(name, address)
        user = await self._users.get_by_username(name) if name else None
        hashed = user.password_hash if user is not None else await self._decoy()
        if not await self._hasher.verify(hashed, password) or user is None:
            await self._throttle.failed(name, address)
            raise Unauthorized("wrong username or password")
        await self._throttle.succeeded(name)
        return user, self._tokens.issue(user.id, user.role)

    async def _decoy(self) -> str:
        """A hash no password matches, made once per hasher (this use case is built per
        request): an unknown username then costs one verification, like a known one."""
        decoy = _DECOYS.get(self._hasher)
        if decoy is None:
            decoy = _DECOYS[self._hasher] = await self._hasher.hash(secrets.token_urlsafe(32))
        return decoy


_DECOYS: weakref.WeakKeyDictionary[PasswordHasher, str] = weakref.WeakKeyDictionary()


class ResolveToken:
    """A bearer token → its user, who must still exist (deleting an account revokes it)."""

    def __init__(self, users: UserRepository, tokens: TokenIssuer) -> None:
        self._users, self._tokens = users, tokens

    async def __call__(self, token: str) -> User:
        claims = self._tokens.verify(token)
        user = await self._users.get(claims.user_id)
        if user is None:
            raise Unauthorized("the token's user no longer exists")
        return user


class Authorize:
    """Who may do what: admins write (ingest, delete); reads are open unless
    `users_only_reads`, then any signed-in user may read."""

    def __init__(self, resolve: ResolveToken, *, users_only_reads: bool) -> None:
        self._resolve = resolve
        self._users_only_reads = users_only_reads

    async def reader(self, token: str | None) -> User | None:
        if token is None and not self._users_only_reads:
            return None
        return await self.user(token)

    async def user(self, token: str | None) -> User:
        if token is None:
            raise Unauthorized("sign in first: a bearer token is required")
        return await self._resolve(token)

    async def admin(self, token: str | None) -> User:
        user = await self.user(token)
        if not user.is_admin:
            raise Forbidden("only an admin may do this", {"role": user.role.value})
        return user

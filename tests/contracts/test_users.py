"""Contract of the users port, and the auth use cases on top of it.

The repository runs against the in-memory twin and Postgres alike; the hasher and the
token issuer against their twins and the real argon2 and JWT adapters.
"""

from __future__ import annotations

from datetime import UTC, datetime

import jwt
import pytest

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.jwt.token_issuer import JwtTokenIssuer
from adapters.memory.clock import FixedClock
from adapters.memory.login_failures import InMemoryLoginFailures
from adapters.memory.password_hasher import PlainSha256PasswordHasher
from adapters.memory.token_issuer import InMemoryTokenIssuer
from adapters.memory.users import InMemoryUserRepository
from adapters.postgres.users import PostgresUserRepository
from application.accounts.authenticate import Authenticate, Authorize, ResolveToken
from application.accounts.create_user import CreateUser
from application.accounts.login_throttle import LoginPolicy, LoginThrottle
from application.accounts.manage_users import ChangePassword, DeleteUser, ListUsers
from domain.accounts.user import (
    Forbidden,
    InvalidUsername,
    Role,
    Unauthorized,
    User,
    UsernameTaken,
    UserNotFound,
)
from domain.ports.password_hasher import PasswordHasher
from domain.ports.token_issuer import TokenIssuer
from domain.ports.users import UserRepository


@pytest.fixture(params=["memory", "postgres"])
def users(request: pytest.FixtureRequest) -> UserRepository:
    if request.param == "memory":
        return InMemoryUserRepository()
    return PostgresUserRepository(request.getfixturevalue("engine"))


@pytest.fixture(params=["memory", "argon2"])
def hasher(request: pytest.FixtureRequest) -> PasswordHasher:
    if request.param == "memory":
        return PlainSha256PasswordHasher()
    return Argon2PasswordHasher(time_cost=1, memory_cost=1024)  # cheap for tests


@pytest.fixture(params=["memory", "jwt"])
def tokens(request: pytest.FixtureRequest, clock: FixedClock) -> TokenIssuer:
    if request.param == "memory":
        return InMemoryTokenIssuer(clock, ttl_seconds=60)
    return JwtTokenIssuer("test-secret-that-is-long-enough-for-hs256", clock, ttl_seconds=60)


def _user(name: str, role: Role = Role.USER) -> User:
    return User(name, "hash", role, datetime(2026, 1, 1, tzinfo=UTC))


async def test_a_stored_user_reads_back_by_id_and_name(users: UserRepository) -> None:
    alice = _user("alice", Role.ADMIN)
    await users.add(alice)
    assert await users.get(alice.id) == alice
    assert await users.get_by_username("alice") == alice
    assert await users.get_by_username("bob") is None
    assert await users.count() == 1


async def test_a_username_is_taken_once(users: UserRepository) -> None:
    await users.add(_user("alice"))
    with pytest.raises(UsernameTaken):
        await users.add(_user("alice"))
    assert await users.count() == 1


async def test_hasher_verifies_only_the_right_password(hasher: PasswordHasher) -> None:
    digest = await hasher.hash("correct horse")
    assert "correct horse" not in digest
    assert await hasher.verify(digest, "correct horse")
    assert not await hasher.verify(digest, "wrong horse")
    assert not await hasher.verify("not a hash", "correct horse")


async def test_tokens_name_their_user_until_they_expire(
    tokens: TokenIssuer, clock: FixedClock
) -> None:
    alice = _user("alice", Role.ADMIN)
    issued = tokens.issue(alice.id, alice.role)
    claims = tokens.verify(issued.token)
    assert (claims.user_id, claims.role) == (alice.id, Role.ADMIN)
    with pytest.raises(Unauthorized):
        tokens.verify(issued.token + "x")
    clock.advance(61)
    with pytest.raises(Unauthorized, match="expired"):
        tokens.verify(issued.token)


def test_a_jwt_signed_with_another_secret_is_refused(clock: FixedClock) -> None:
    forged = jwt.encode(
        {"sub": "x", "role": "admin", "exp": 2**40},
        "another-secret-that-is-long-enough-too",
        algorithm="HS256",
    )
    with pytest.raises(Unauthorized):
        JwtTokenIssuer("test-secret-that-is-long-enough-for-hs256", clock).verify(forged)


async def test_sign_in_and_authorize(users: UserRepository, clock: FixedClock) -> None:
    hasher, tokens = PlainSha256PasswordHasher(), InMemoryTokenIssuer(clock)
    create = CreateUser(users, hasher, clock)
    admin = await create("Admin", "s3cret-pass", Role.ADMIN)
    await create("reader", "s3cret-pass")
    assert admin.username == "admin"
    with pytest.raises(UsernameTaken):
        await create("ADMIN", "another-pass")
    with pytest.raises(InvalidUsername):
        await create("bad name", "s3cret-pass")
    with pytest.raises(InvalidUsername):
        await create("shorty", "short")

    throttle = LoginThrottle(InMemoryLoginFailures(), FixedClock(), LoginPolicy())
    sign_in = Authenticate(users, hasher, tokens, throttle)
    _, admin_token = await sign_in("ADMIN", "s3cret-pass")
    _, user_token = await sign_in("reader", "s3cret-pass")
    for name, password in [("admin", "wrong-pass"), ("nobody", "s3cret-pass"), ("", "x")]:
        with pytest.raises(Unauthorized):
            await sign_in(name, password)

    open_reads = Authorize(ResolveToken(users, tokens), users_only_reads=False)
    closed_reads = Authorize(ResolveToken(users, tokens), users_only_reads=True)
    assert await open_reads.reader(None) is None
    signed_in = await closed_reads.reader(user_token.token)
    assert signed_in is not None and signed_in.username == "reader"
    assert (await open_reads.admin(admin_token.token)).id == admin.id
    with pytest.raises(Unauthorized):
        await closed_reads.reader(None)
    with pytest.raises(Forbidden):
        await open_reads.admin(user_token.token)
    with pytest.raises(Unauthorized):
        await open_reads.reader("forged")


async def test_accounts_are_listed_removed_and_given_new_hashes(users: UserRepository) -> None:
    bob, alice = _user("bob"), _user("alice", Role.ADMIN)
    await users.add(bob)
    await users.add(alice)
    assert await users.list_all() == [alice, bob]
    assert await users.set_password_hash(bob.id, "new-hash")
    assert (await users.get(bob.id)).password_hash == "new-hash"  # type: ignore[union-attr]
    assert await users.remove(alice.id)
    assert not await users.remove(alice.id)
    assert not await users.set_password_hash(alice.id, "x")
    assert [u.username for u in await users.list_all()] == ["bob"]


async def test_a_new_password_signs_in_and_a_deleted_account_is_gone(
    users: UserRepository, clock: FixedClock
) -> None:
    hasher, tokens = PlainSha256PasswordHasher(), InMemoryTokenIssuer(clock)
    await CreateUser(users, hasher, clock)("carol", "old-password")
    sign_in = Authenticate(
        users, hasher, tokens, LoginThrottle(InMemoryLoginFailures(), clock, LoginPolicy())
    )
    _, token = await sign_in("carol", "old-password")

    await ChangePassword(users, hasher)("Carol", "new-password")

    await sign_in("carol", "new-password")
    with pytest.raises(Unauthorized):
        await sign_in("carol", "old-password")
    with pytest.raises(InvalidUsername):
        await ChangePassword(users, hasher)("carol", "short")
    assert [u.username for u in await ListUsers(users)()] == ["carol"]
    await DeleteUser(users)("carol")
    with pytest.raises(Unauthorized):  # its token stops working at once
        await ResolveToken(users, tokens)(token.token)
    with pytest.raises(UserNotFound):
        await DeleteUser(users)("carol")
    with pytest.raises(UserNotFound):
        await ChangePassword(users, hasher)("nobody", "long-enough")

"""The login rate limit, per account and per address, on a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.memory.clock import FixedClock
from adapters.memory.login_failures import InMemoryLoginFailures
from adapters.memory.password_hasher import PlainSha256PasswordHasher
from adapters.memory.token_issuer import InMemoryTokenIssuer
from adapters.memory.users import InMemoryUserRepository
from application.accounts.authenticate import Authenticate
from application.accounts.create_user import CreateUser
from application.accounts.login_throttle import LoginPolicy, LoginThrottle
from domain.accounts.user import Role, TooManyAttempts, Unauthorized

POLICY = LoginPolicy(per_account=3, per_address=5, window_seconds=60)


class CountingHasher(PlainSha256PasswordHasher):
    def __init__(self) -> None:
        super().__init__()
        self.verified = self.hashed = 0

    async def hash(self, password: str) -> str:
        self.hashed += 1
        return await super().hash(password)

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verified += 1
        return await super().verify(password_hash, password)  # hashes once more itself


@pytest.fixture
async def sign_in(clock: FixedClock) -> tuple[Authenticate, CountingHasher]:
    users, hasher = InMemoryUserRepository(), CountingHasher()
    await CreateUser(users, hasher, clock)("alice", "alice-password", Role.USER)
    await CreateUser(users, hasher, clock)("bob", "bob-password-1", Role.USER)
    throttle = LoginThrottle(InMemoryLoginFailures(), clock, POLICY)
    return Authenticate(users, hasher, InMemoryTokenIssuer(clock), throttle), hasher


async def test_an_account_is_locked_after_its_failures_until_the_window_passes(
    sign_in: tuple[Authenticate, CountingHasher], clock: FixedClock
) -> None:
    authenticate, hasher = sign_in
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # spread over addresses
        with pytest.raises(Unauthorized):
            await authenticate("alice", "guess", address)
        clock.advance(10)
    verified = hasher.verified
    with pytest.raises(TooManyAttempts) as locked:
        await authenticate("Alice", "alice-password", "10.0.0.9")  # even the right one
    assert locked.value.code == "TOO_MANY_ATTEMPTS"
    assert locked.value.details["retry_after_seconds"] == 30  # the first failure leaves at 60 s
    assert hasher.verified == verified  # refused before any hashing
    await authenticate("bob", "bob-password-1", "10.0.0.1")  # other accounts are untouched
    clock.advance(30)
    user, _ = await authenticate("alice", "alice-password", "10.0.0.9")
    assert user.username == "alice"


async def test_one_address_is_limited_across_accounts_and_success_clears_only_the_account(
    sign_in: tuple[Authenticate, CountingHasher], clock: FixedClock
) -> None:
    authenticate, _ = sign_in
    for name in ("alice", "bob", "carol", "dave", "erin"):  # carol, dave, erin do not exist
        with pytest.raises(Unauthorized):
            await authenticate(name, "guess", "10.0.0.66")
    with pytest.raises(TooManyAttempts):
        await authenticate("bob", "bob-password-1", "10.0.0.66")
    await authenticate("bob", "bob-password-1", "10.0.0.67")  # from elsewhere: fine
    with pytest.raises(Unauthorized):
        await authenticate("alice", "guess", "10.0.0.68")
    await authenticate("alice", "alice-password", "10.0.0.69")  # clears alice's count ...
    for address in ("10.0.0.70", "10.0.0.71", "10.0.0.72"):  # ... so three more fail ...
        with pytest.raises(Unauthorized):
            await authenticate("alice", "guess", address)
    with pytest.raises(TooManyAttempts):  # ... before the lock-out
        await authenticate("alice", "alice-password", "10.0.0.73")


async def test_unknown_and_known_usernames_cost_the_same_hashing(
    sign_in: tuple[Authenticate, CountingHasher],
) -> None:
    authenticate, hasher = sign_in
    for name in ("nobody", "not a valid name!", "alice"):
        before = hasher.verified
        with pytest.raises(Unauthorized):
            await authenticate(name, "wrong-password")
        assert hasher.verified == before + 1, name  # one verification every time
    hashed_before = hasher.hashed
    with pytest.raises(Unauthorized):
        await authenticate("nobody-else", "wrong-password")
    assert hasher.hashed == hashed_before + 1  # the verification's own: no new decoy


async def test_failures_are_bounded_in_memory() -> None:
    failures = InMemoryLoginFailures(max_keys=3, max_per_key=2)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    for key in ("a", "b", "c", "d"):
        for _ in range(5):
            await failures.record(key, at)
    before = at - timedelta(seconds=1)
    assert await failures.recent("a", before) == []  # the least recent key went first
    assert len(await failures.recent("d", before)) == 2

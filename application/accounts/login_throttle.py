"""The login rate limit: failed sign-ins per account and per client address."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from domain.accounts.user import TooManyAttempts
from domain.ports.clock import Clock
from domain.ports.login_failures import LoginFailures


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """At most `per_account` failures for one username and `per_address` from one client
    address within `window_seconds`; past either, sign-ins are refused until the oldest
    failure leaves the window."""

    per_account: int = 5
    per_address: int = 20
    window_seconds: float = 900.0


class LoginThrottle:
    """Checked before any password is verified, so a locked-out guesser costs no hashing.

    Unknown usernames are counted like real ones: a lock-out tells nothing about which
    accounts exist. A successful sign-in clears its account's count, not its address's.
    """

    def __init__(self, failures: LoginFailures, clock: Clock, policy: LoginPolicy) -> None:
        self._failures, self._clock, self._policy = failures, clock, policy

    async def check(self, username: str, address: str | None) -> None:
        for key, limit in self._limits(username, address):
            window = timedelta(seconds=self._policy.window_seconds)
            recent = await self._failures.recent(key, self._clock.now() - window)
            if len(recent) >= limit:
                wait = (recent[-limit] + window - self._clock.now()).total_seconds()
                raise TooManyAttempts(
                    "too many failed sign-ins; try again later", max(1, math.ceil(wait))
                )

    async def failed(self, username: str, address: str | None) -> None:
        for key, _ in self._limits(username, address):
            await self._failures.record(key, self._clock.now())

    async def succeeded(self, username: str) -> None:
        await self._failures.clear(_account(username))

    def _limits(self, username: str, address: str | None) -> list[tuple[str, int]]:
        limits = [(_account(username), self._policy.per_account)]
        if address:
            limits.append((f"address:{address}", self._policy.per_address))
        return limits


def _account(username: str) -> str:
    return f"account:{username}"

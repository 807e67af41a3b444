"""Admission of CPU-bound work (decoding, fingerprinting, CLAP): a bounded number run at
once, a bounded number wait their turn, and the next one is refused at once."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from domain.errors import Overloaded


@dataclass(frozen=True, slots=True)
class AdmissionPolicy:
    """`max_running` jobs at once, `max_waiting` queued behind them (FIFO), each queued at
    most `max_wait_seconds`. `None` limits mean unbounded (the CLI's own batches)."""

    max_running: int | None
    max_waiting: int | None = 0
    max_wait_seconds: float | None = None

    @classmethod
    def unbounded(cls) -> AdmissionPolicy:
        return cls(None, None, None)


class CpuAdmission:
    """Refusing early keeps latency bounded: past the queue a request gets `Overloaded`
    (HTTP 503 with Retry-After) instead of a place at the end of an ever longer line.

    One instance per process, shared by every use case that burns CPU. Retry-After is the
    time the queue ahead would take to drain, from a running mean of job durations.
    """

    def __init__(self, policy: AdmissionPolicy) -> None:
        self._policy = policy
        self._running = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._mean_seconds = 1.0  # until a job has been timed
        self.refused = 0

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    def refuse_if_saturated(self) -> None:
        """Raise `Overloaded` if a new job would be refused now (a caller can then refuse
        before reading a request body)."""
        if self.saturated:
            self._refuse("the service is at capacity")

    @property
    def saturated(self) -> bool:
        """A new job would be refused now."""
        limit, queue = self._policy.max_running, self._policy.max_waiting
        if limit is None or self._running < limit:
            return False
        return queue is not None and len(self._waiters) >= queue

    def retry_after_seconds(self) -> int:
        limit = self._policy.max_running or 1
        ahead = (self._running + len(self._waiters)) / limit
        return max(1, math.ceil(ahead * self._mean_seconds))

    @asynccontextmanager
    async def slot(self) -> AsyncGenerator[None]:
        await self._enter()
        started = time.monotonic()
        try:
            yield
        finally:
            self._mean_seconds += 0.2 * (time.monotonic() - started - self._mean_seconds)
            self._leave()

    async def _enter(self) -> None:
        limit = self._policy.max_running
        if limit is None or (self._running < limit and not self._waiters):
            self._running += 1
            return
        self.refuse_if_saturated()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            async with asyncio.timeout(self._policy.max_wait_seconds):
                await turn
        except TimeoutError:
            if turn.done() and not turn.cancelled():
                return  # handed the slot just as the time ran out: keep it
            self._refuse("no capacity freed up in time")
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._leave()  # the slot was handed over just as the caller gave up
            raise
        finally:
            if turn in self._waiters:
                self._waiters.remove(turn)

    def _leave(self) -> None:
        while self._waiters:
            turn = self._waiters.popleft()
            if not turn.done():
                turn.set_result(None)  # the slot passes straight to the next in line
                return
        self._running -= 1

    def _refuse(self, why: str) -> None:
        self.refused += 1
        raise Overloaded(f"{why}; try again shortly", self.retry_after_seconds())

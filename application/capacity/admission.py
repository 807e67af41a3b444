"""Admission of CPU-bound work (decoding, fingerprinting, CLAP): a bounded number run at
once, a job waits its turn only when its expected latency stays within budget, and the
next one is refused without queueing, told a turn to come back at."""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import NoReturn

from application.capacity.return_schedule import ReturnSchedule, Turn
from application.capacity.service_times import ServiceTimes
from domain.errors import Overloaded

ASSUMED_SECONDS = 1.0  # a job's duration until one has been timed
_AT_CAPACITY = "the service is at capacity; try again shortly"
# Turns come this much faster than the measured drain rate. Jobs vary in length: paced at
# exactly the mean rate, a short job leaves the slot idle until the next client is due,
# while after a long one the next finds the queue full and loses its turn (booked again).
OVERBOOK = 1.25


@dataclass(frozen=True, slots=True)
class AdmissionPolicy:
    """`max_running` jobs at once, `max_waiting` queued behind them (FIFO), each queued at
    most `max_wait_seconds`. `latency_budget`: an admitted job should be done within this
    many times what a job takes alone (queueing plus its own, slowed, run); None: no such
    bound. `None` limits mean unbounded (the CLI's own batches)."""

    max_running: int | None
    max_waiting: int | None = 0
    max_wait_seconds: float | None = None
    latency_budget: float | None = None

    @classmethod
    def unbounded(cls) -> AdmissionPolicy:
        return cls(None, None, None, None)


class CpuAdmission:
    """Refusing early keeps latency bounded: a request that would wait past its budget
    gets `Overloaded` (HTTP 503 with Retry-After) instead of a place in an ever longer line.

    The budget is relative to the service's own yardstick, the duration of jobs that ran
    with nothing beside them (`ServiceTimes.alone`), so it follows the machine instead of
    a constant. Two rules keep admitted latency within it:
    - a job queues only if its expected wait (jobs ahead / slots × recent duration) plus
      its own run (the recent duration) fits the budget;
    - when jobs run slower than alone (they, or other processes, share the cores), fewer
      run at once: slots = max_running / slowdown, at least one. Fewer jobs beside each
      other finish sooner, and the rest are refused fast instead of slowing them all.

    The queue is served in arrival order, and a refused client is given a turn after those
    refused before it (`ReturnSchedule`): its Retry-After is when the queue ahead and the
    clients already told to come back will have drained, at the measured drain rate, so a
    crowd refused together comes back spread out and in order instead of in one second. At
    the door (`admits_arrival`) a client back on its turn goes before a newcomer.

    One instance per process, shared by every use case that burns CPU.
    """

    def __init__(
        self, policy: AdmissionPolicy, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._policy = policy
        self._clock = clock
        self._running = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._times = ServiceTimes.assumed(ASSUMED_SECONDS)
        self._returns = ReturnSchedule()
        self.refused = 0

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def times(self) -> ServiceTimes:
        return self._times

    @property
    def slots(self) -> int | None:
        """How many jobs may run at once now (None: no limit)."""
        limit = self._policy.max_running
        if limit is None or self._policy.latency_budget is None:
            return limit
        return max(1, min(limit, math.floor(limit / self._times.slowdown + 1e-9)))

    def refuse_if_saturated(self) -> None:
        """Raise `Overloaded` at once if a new job would be refused now (a stream that is
        refused as it opens; Retry-After rounded up to the turn)."""
        if self.saturated:
            self.refused += 1
            turn = self._book()
            raise Overloaded(_AT_CAPACITY, turn.rounded_up)

    async def refuse(self, why: str = "the service is at capacity") -> NoReturn:
        """Raise `Overloaded` with the next turn, the answer held (under a second) so that
        the client's return lands on it. For a caller that has a request to answer, not
        admitted at the door (its body read and dropped first) or past its queue deadline."""
        self.refused += 1
        turn = self._book()
        await asyncio.sleep(turn.hold_seconds)
        raise Overloaded(f"{why}; try again shortly", turn.retry_after_seconds)

    def admits_arrival(self) -> bool:
        """Whether a request arriving now may go on to its slot (asked before its body is
        read). It may when the queue takes it, and it either takes a turn that has come
        (a refused client back on time), finds a slot idle, or would start before the next
        turn comes; a newcomer that would start later goes to the back of the line instead
        of taking a returning client's place."""
        now = self._clock()
        returning = self._returns.claim(now)
        if self.saturated:
            return False
        if returning or self._slot_free():
            return True
        turn = self._returns.next_turn(now)
        return turn is None or now + self.expected_wait_seconds() <= turn

    @property
    def saturated(self) -> bool:
        """A new job would be refused now."""
        if self._slot_free():
            return False
        queue = self._policy.max_waiting
        if queue is not None and len(self._waiters) >= queue:
            return True
        budget = self._policy.latency_budget
        expected = self.expected_wait_seconds() + self._times.recent
        return budget is not None and expected > budget * self._times.alone

    def expected_wait_seconds(self) -> float:
        """How long a job asked for now would wait for a slot."""
        if self._slot_free():
            return 0.0
        return (len(self._waiters) + 1) / (self.slots or 1) * self._times.recent

    def drain_interval_seconds(self) -> float:
        """Seconds between two jobs starting while a line drains: the recent job duration
        over the slots (the inverse of the drain rate, measured as jobs finish)."""
        return self._times.recent / (self.slots or 1)

    def _book(self) -> Turn:
        spacing = self.drain_interval_seconds() / OVERBOOK
        return self._returns.book(self._clock(), self.expected_wait_seconds(), spacing)

    @asynccontextmanager
    async def slot(self, refusable: bool = True) -> AsyncGenerator[None]:
        """Run one job. `refusable=False`: the next step of work already admitted (a
        timeline's next block), which waits its turn however long instead of failing
        half-way; it still counts in the queue that others are measured against."""
        self._times.arrived()
        alone = await self._enter(refusable)
        token = self._times.started(alone)
        started = time.monotonic()
        try:
            yield
        finally:
            if refusable:  # a step of admitted work is not a job the yardstick knows
                self._times.finished(token, time.monotonic() - started)
            self._leave()

    async def _enter(self, refusable: bool) -> bool:
        """Wait for a slot; True when the job starts with no other job running."""
        if self._slot_free():
            self._running += 1
            return self._running == 1
        if refusable and self.saturated:
            await self.refuse()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(turn)
        try:
            async with asyncio.timeout(self._policy.max_wait_seconds if refusable else None):
                await turn
        except TimeoutError:
            if turn.done() and not turn.cancelled():
                return False  # handed the slot just as the time ran out: keep it
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self._leave()  # the slot was handed over just as the caller gave up
            raise
        else:
            return False
        finally:
            if turn in self._waiters:
                self._waiters.remove(turn)
        await self.refuse("no capacity freed up in time")  # out of the queue while held

    def _slot_free(self) -> bool:
        """A job asked for now would start at once: a slot is free and nobody is in line."""
        slots = self.slots
        return slots is None or (self._running < slots and not self._waiters)

    def _leave(self) -> None:
        self._running -= 1
        # Withheld while more jobs ran than the slots (the slowdown grew); handed on in
        # order, as many as there are free slots (more when it shrank).
        slots = self.slots
        while self._waiters and (slots is None or self._running < slots):
            turn = self._waiters.popleft()
            if not turn.done():
                self._running += 1
                turn.set_result(None)  # the slot passes straight to the next in line

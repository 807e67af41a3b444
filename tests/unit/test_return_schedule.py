"""Retry-After that spreads a refused crowd over the time the line takes to drain, in the
order it was refused (issue 22: 64 polite clients told "1 s" all came back in the same
second, and whoever landed first after a slot freed won)."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

import pytest

from application.capacity.admission import OVERBOOK, AdmissionPolicy, CpuAdmission
from application.capacity.return_schedule import ReturnSchedule, Turn
from domain.errors import Overloaded

NOW = 1000.0


def _returns(turns: list[Turn], at: float = NOW) -> list[float]:
    """When each client comes back: the answer held, then Retry-After slept."""
    return [at + t.hold_seconds + t.retry_after_seconds for t in turns]


def test_a_crowd_refused_at_once_comes_back_spread_over_the_drain_in_order() -> None:
    schedule = ReturnSchedule()
    # 64 refused in the same instant; the queue ahead drains in 0.5 s, a job starts every 0.1 s.
    turns = [schedule.book(NOW, free_in=0.5, interval=0.1) for _ in range(64)]
    back = _returns(turns)
    assert all(isinstance(t.retry_after_seconds, int) and t.retry_after_seconds >= 1 for t in turns)
    assert all(0 <= t.hold_seconds < 1 for t in turns)
    assert back == sorted(back)  # first refused, first back
    # Each asked back one interval before its job would start, one interval after the last.
    spread = [b - NOW for b in back if b - NOW > 1]
    assert spread[0] == pytest.approx(1.0, abs=0.1)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(spread)]
    assert gaps == [0.1] * (len(spread) - 1)
    assert back[-1] - NOW == pytest.approx(0.5 + 63 * 0.1 - 0.1)
    # Never more back in one second than the line drains in it (plus the first second's).
    per_second = Counter(int(b - NOW) for b in back)
    assert max(count for second, count in per_second.items() if second >= 2) <= 10


def test_whole_seconds_alone_would_bunch_the_crowd_the_hold_lands_it_on_its_turn() -> None:
    schedule = ReturnSchedule()
    turns = [schedule.book(NOW, free_in=2.0, interval=0.25) for _ in range(8)]
    # Retry-After alone says 1, 2, 2, 2, 2, 3, 3, 3: the hold makes up the fractions.
    assert [t.retry_after_seconds for t in turns] == [1, 2, 2, 2, 2, 3, 3, 3]
    assert [t.hold_seconds for t in turns] == pytest.approx(
        [0.75, 0, 0.25, 0.5, 0.75, 0, 0.25, 0.5]
    )
    assert [t.rounded_up for t in turns] == [2, 2, 3, 3, 3, 3, 4, 4]


def test_turns_follow_the_queue_once_the_booked_ones_have_passed() -> None:
    schedule = ReturnSchedule()
    first = schedule.book(NOW, free_in=3.0, interval=0.5)
    assert (first.retry_after_seconds, first.hold_seconds) == (2, 0.5)
    assert schedule.booked_ahead(NOW) == pytest.approx(3.5)
    # Ten seconds on, the turns promised then are past: only the queue counts again.
    later = schedule.book(NOW + 10, free_in=1.5, interval=0.5)
    assert (later.retry_after_seconds, later.hold_seconds) == (1, 0.0)
    assert schedule.booked_ahead(NOW + 10) == pytest.approx(2.0)
    # A client refused while turns are booked ahead goes after them, not before.
    after = schedule.book(NOW + 10, free_in=0.0, interval=0.5)
    assert after.retry_after_seconds + after.hold_seconds == pytest.approx(1.5)


class _Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


class _Line:
    """An admission on a fixed clock whose jobs take `seconds`, kept busy by `fill(jobs)`
    until `free()`."""

    def __init__(self, policy: AdmissionPolicy, seconds: float) -> None:
        self.clock = _Clock()
        self.admission = CpuAdmission(policy, self.clock)
        times = self.admission.times
        times.recent, times.alone, times.timed = seconds, seconds, 10
        self._release = asyncio.Event()
        self._holders: list[asyncio.Task[None]] = []

    async def fill(self, jobs: int) -> None:
        self._release.clear()
        self._holders = [asyncio.create_task(self._hold()) for _ in range(jobs)]
        await asyncio.sleep(0.01)

    async def free(self) -> None:
        self._release.set()
        await asyncio.gather(*self._holders)

    async def _hold(self) -> None:
        async with self.admission.slot():
            await self._release.wait()


async def test_the_admission_tells_each_refused_client_a_later_turn_at_the_measured_rate() -> None:
    line = _Line(AdmissionPolicy(max_running=1, max_waiting=1, max_wait_seconds=30), 0.25)
    admission = line.admission
    await line.fill(2)
    assert (admission.running, admission.waiting) == (1, 1) and admission.saturated
    assert admission.drain_interval_seconds() == 0.25  # one slot, jobs of 0.25 s
    assert OVERBOOK == 1.25  # turns 0.2 s apart: a quarter more than the slot drains
    told = []
    for _ in range(12):
        with pytest.raises(Overloaded) as refused:
            admission.refuse_if_saturated()
        told.append(refused.value.retry_after_seconds)
    # The queue ahead drains in 0.5 s, then one turn every 0.2 s; each client is asked back
    # one turn early (0.3, 0.5, ... 2.5 s), rounded up to whole seconds: five a second.
    assert told == [1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3]
    assert admission.refused == 12
    await line.free()


async def test_a_refusal_is_held_so_that_whole_seconds_land_on_the_turn() -> None:
    line = _Line(AdmissionPolicy(max_running=1, max_waiting=1), 1.3)
    admission = line.admission
    await line.fill(2)
    loop = asyncio.get_running_loop()
    began = loop.time()
    # Its job would start in 2.6 s (one running, one queued, 1.3 s each), so it is asked
    # back one turn (1.04 s) earlier, at 1.56 s: Retry-After 1, the answer held 0.56 s.
    with pytest.raises(Overloaded) as refused:
        await admission.refuse()
    held = loop.time() - began
    assert refused.value.retry_after_seconds == 1
    assert 0.5 <= held < 0.8, held
    assert admission.waiting == 1  # a held refusal takes no place in the queue
    await line.free()


def test_a_turn_is_kept_for_its_client_then_lost_past_the_grace() -> None:
    schedule = ReturnSchedule(grace_seconds=1.0)
    turns = [schedule.book(NOW, free_in=3.0, interval=0.5) for _ in range(3)]
    back = _returns(turns)  # 2.5, 3.0 and 3.5 s on
    assert back == [NOW + 2.5, NOW + 3.0, NOW + 3.5]
    assert not schedule.claim(NOW + 2.4)  # nobody is due yet: a newcomer
    assert schedule.next_turn(NOW + 2.4) == NOW + 2.5
    assert schedule.claim(NOW + 2.52)  # the first client, back on time
    assert schedule.next_turn(NOW + 2.52) == NOW + 3.0
    # The second never comes back: its turn is kept for the grace, then dropped.
    assert schedule.next_turn(NOW + 3.9) == NOW + 3.0
    assert schedule.next_turn(NOW + 4.1) == NOW + 3.5
    assert schedule.claim(NOW + 4.1)  # the third, a little late
    assert schedule.next_turn(NOW + 4.1) is None and not schedule.claim(NOW + 4.2)


async def test_a_client_back_on_its_turn_goes_before_a_newcomer() -> None:
    line = _Line(AdmissionPolicy(max_running=1, max_waiting=2, max_wait_seconds=30), 0.5)
    admission, clock = line.admission, line.clock
    await line.fill(3)  # one running, two queued
    assert admission.saturated and not admission.admits_arrival()
    # Refused 0.1 s before NOW: its job would start 1.5 s later, so it is asked back one
    # 0.4 s turn early, at NOW + 1.0 (Retry-After 1, the answer held 0.1 s).
    clock.now = NOW - 0.1
    with pytest.raises(Overloaded) as refused:
        await admission.refuse()
    assert refused.value.retry_after_seconds == 1
    await line.free()  # the line drains meanwhile...
    await line.fill(1)  # ...and someone else runs
    assert not admission.saturated
    clock.now = NOW + 0.9  # a newcomer would start at 1.4 s, after the promised turn
    assert not admission.admits_arrival()
    clock.now = NOW + 1.02  # the refused client, back on its turn
    assert admission.admits_arrival()
    clock.now = NOW + 1.05  # no turn left: a newcomer queues like any other
    assert admission.admits_arrival()
    await line.free()
    assert admission.admits_arrival()  # a slot idle: nobody waits for anyone


def test_the_hold_and_retry_after_bring_the_client_back_no_earlier_than_its_turn() -> None:
    schedule = ReturnSchedule()
    for at in (NOW, NOW + 0.37, NOW + 0.81):
        turn = schedule.book(at, free_in=2.2, interval=0.3)
        assert not schedule.claim(at + turn.hold_seconds + turn.retry_after_seconds - 0.01)
        assert schedule.claim(at + turn.hold_seconds + turn.retry_after_seconds + 0.01)

"""Admission by expected latency: a job queues only when its wait plus its own run fits the
budget (relative to what a job takes alone), and fewer run at once when jobs run slow.

Reproduces the load run's failure: with a fixed queue (2 running + 2 queued), admitted
requests at 64 clients took 2.7-5.7x the 1-client p99, because a queued job waited for jobs
that were themselves slowed by sharing the cores. Durations here are set, not timed.
"""

from __future__ import annotations

import asyncio

import pytest

from application.capacity.admission import AdmissionPolicy, CpuAdmission
from application.capacity.service_times import ServiceTimes
from domain.errors import Overloaded


def _measured(admission: CpuAdmission, recent: float, alone: float) -> None:
    admission.times.recent, admission.times.alone, admission.times.timed = recent, alone, 10


def _budgeted(max_running: int, recent: float, alone: float = 1.0) -> CpuAdmission:
    """Admission with a budget of 3 x alone, after jobs took `recent` s lately."""
    policy = AdmissionPolicy(max_running, max_waiting=100, max_wait_seconds=30, latency_budget=3)
    admission = CpuAdmission(policy)
    _measured(admission, recent, alone)
    return admission


async def _hold(admission: CpuAdmission, release: asyncio.Event, refusable: bool = True) -> None:
    async with admission.slot(refusable):
        await release.wait()


async def _occupy(admission: CpuAdmission, jobs: int, release: asyncio.Event) -> list[asyncio.Task]:
    tasks = [asyncio.create_task(_hold(admission, release)) for _ in range(jobs)]
    await asyncio.sleep(0.01)
    return tasks


async def test_a_job_queues_only_while_its_expected_latency_fits_the_budget() -> None:
    admission = _budgeted(2, recent=1.0)
    release = asyncio.Event()
    tasks = await _occupy(admission, 2, release)
    # Queued k-th: waits k/2 jobs' time, then runs 1: fits 3 x alone up to k = 4.
    tasks += await _occupy(admission, 4, release)
    assert (admission.running, admission.waiting) == (2, 4)
    assert admission.saturated
    with pytest.raises(Overloaded) as refused:
        async with admission.slot():
            pytest.fail("a fifth queued job would wait 2.5 s and finish past 3 x alone")
    # Asked back one drain interval (0.5 s) before its job would start (2.5 s)
    assert refused.value.retry_after_seconds == 2
    release.set()
    await asyncio.gather(*tasks)
    assert (admission.running, admission.waiting, admission.refused) == (0, 0, 1)


async def test_when_jobs_run_slower_than_alone_fewer_run_at_once() -> None:
    admission = _budgeted(4, recent=2.0)  # jobs take twice as long as alone
    assert admission.slots == 2
    release = asyncio.Event()
    tasks = await _occupy(admission, 2, release)
    assert admission.running == 2
    # A third would wait 1/2 x 2 s and run 2 s: 3 s, within 3 x alone; a fourth not.
    tasks += await _occupy(admission, 1, release)
    assert (admission.running, admission.waiting) == (2, 1)
    with pytest.raises(Overloaded):
        async with admission.slot():
            pytest.fail("refused: past the budget")
    release.set()
    await asyncio.gather(*tasks)


async def test_once_jobs_run_too_slow_for_any_queue_only_the_slots_run() -> None:
    admission = _budgeted(2, recent=2.5)
    release = asyncio.Event()
    tasks = await _occupy(admission, 1, release)
    assert admission.slots == 1 and admission.saturated
    with pytest.raises(Overloaded):
        async with admission.slot():
            pytest.fail("no room in the budget for any wait")
    release.set()
    await asyncio.gather(*tasks)


async def test_a_slot_freed_while_fewer_may_run_is_not_passed_on_past_the_slots() -> None:
    admission = _budgeted(2, recent=1.0)
    first, second = asyncio.Event(), asyncio.Event()
    running = [
        asyncio.create_task(_hold(admission, first)),
        asyncio.create_task(_hold(admission, second)),
    ]
    await asyncio.sleep(0.01)
    queued = await _occupy(admission, 1, first)
    _measured(admission, recent=2.0, alone=1.0)  # the slowdown grew: one slot now
    first.set()
    await running[0]
    await asyncio.sleep(0.01)
    assert (admission.running, admission.waiting) == (1, 1)  # the second still runs alone
    second.set()
    await asyncio.gather(running[1], *queued)
    assert (admission.running, admission.waiting) == (0, 0)


async def test_admitted_work_waits_its_turn_instead_of_being_refused() -> None:
    policy = AdmissionPolicy(max_running=1, max_waiting=0, max_wait_seconds=0.01, latency_budget=3)
    admission = CpuAdmission(policy)
    release = asyncio.Event()
    holder = await _occupy(admission, 1, release)
    step = asyncio.create_task(_hold(admission, asyncio.Event(), refusable=False))
    await asyncio.sleep(0.05)  # past max_wait_seconds
    assert not step.done() and admission.waiting == 1
    with pytest.raises(Overloaded):  # a new job still is refused
        async with admission.slot():
            pytest.fail("saturated")
    release.set()
    await holder[0]
    await asyncio.sleep(0.01)
    assert admission.running == 1  # the step got the slot
    step.cancel()
    with pytest.raises(asyncio.CancelledError):
        await step
    assert (admission.running, admission.waiting) == (0, 0)


def test_only_jobs_nobody_arrived_beside_set_the_yardstick() -> None:
    times = ServiceTimes.assumed(1.0)
    times.arrived()
    times.finished(times.started(alone=True), 0.5)  # the first timing replaces the guess
    assert (times.recent, times.alone) == (0.5, 0.5)
    times.arrived()
    token = times.started(alone=True)
    times.arrived()  # another job asked meanwhile (queued or refused): not alone
    times.finished(token, 3.0)
    assert times.alone == 0.5 and times.recent == pytest.approx(0.5 + 0.2 * 2.5)
    times.arrived()
    times.finished(times.started(alone=False), 3.0)
    assert times.alone == 0.5
    assert times.slowdown == pytest.approx(times.recent / 0.5)
    times.arrived()
    times.finished(times.started(alone=True), 1.0)
    assert times.alone == pytest.approx(0.5 + 0.2 * 0.5)

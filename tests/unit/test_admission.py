"""CPU admission: a bounded number run, a bounded number wait, the rest are refused at once."""

from __future__ import annotations

import asyncio

import pytest

from application.capacity.admission import AdmissionPolicy, CpuAdmission
from domain.errors import Overloaded


async def _hold(admission: CpuAdmission, release: asyncio.Event, log: list[str], name: str) -> None:
    async with admission.slot():
        log.append(f"start {name}")
        await release.wait()
        log.append(f"end {name}")


async def test_jobs_past_the_queue_are_refused_at_once_and_queued_ones_run_in_order() -> None:
    admission = CpuAdmission(AdmissionPolicy(max_running=2, max_waiting=2, max_wait_seconds=30))
    release, log = asyncio.Event(), list[str]()
    tasks = [asyncio.create_task(_hold(admission, release, log, str(i))) for i in range(4)]
    await asyncio.sleep(0.01)
    assert (admission.running, admission.waiting) == (2, 2)
    assert admission.saturated
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(Overloaded) as refused:
        async with admission.slot():
            pytest.fail("a fifth job must not run")
    # Refused without queueing; the answer held only to land the return on its turn (its
    # job would start in 1.5 s, it is asked back one 0.4 s turn earlier: 1 s, held 0.1 s).
    assert loop.time() - started < 0.5
    assert refused.value.code == "OVERLOADED"
    assert refused.value.retry_after_seconds >= 1
    assert refused.value.details == {"retry_after_seconds": refused.value.retry_after_seconds}
    release.set()
    await asyncio.gather(*tasks)
    assert log[:2] == ["start 0", "start 1"]
    assert log.index("start 2") < log.index("start 3")  # first come, first served
    assert (admission.running, admission.waiting, admission.refused) == (0, 0, 1)


async def test_a_job_queued_too_long_is_refused_and_frees_its_place() -> None:
    admission = CpuAdmission(AdmissionPolicy(max_running=1, max_waiting=1, max_wait_seconds=0.05))
    release, log = asyncio.Event(), list[str]()
    holder = asyncio.create_task(_hold(admission, release, log, "holder"))
    await asyncio.sleep(0)
    with pytest.raises(Overloaded):
        async with admission.slot():
            pytest.fail("the slot never freed")
    assert admission.waiting == 0 and not admission.saturated
    release.set()
    await holder
    async with admission.slot():  # nothing leaked: a new job gets straight in
        assert admission.running == 1
    assert admission.running == 0


async def test_cancelled_waiters_leak_no_slot() -> None:
    admission = CpuAdmission(AdmissionPolicy(max_running=1, max_waiting=3, max_wait_seconds=30))
    release, log = asyncio.Event(), list[str]()
    holder = asyncio.create_task(_hold(admission, release, log, "holder"))
    await asyncio.sleep(0)
    gone = asyncio.create_task(_hold(admission, release, log, "gone"))
    stays = asyncio.create_task(_hold(admission, release, log, "stays"))
    await asyncio.sleep(0)
    gone.cancel()  # a client that went away while queued
    release.set()
    await holder
    await stays
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert "start gone" not in log and "end stays" in log
    assert (admission.running, admission.waiting) == (0, 0)


async def test_a_slot_handed_to_a_waiter_that_is_cancelled_passes_on() -> None:
    admission = CpuAdmission(AdmissionPolicy(max_running=1, max_waiting=2, max_wait_seconds=30))
    release, log = asyncio.Event(), list[str]()
    holder = asyncio.create_task(_hold(admission, release, log, "holder"))
    await asyncio.sleep(0)
    handed = asyncio.create_task(_hold(admission, asyncio.Event(), log, "handed"))
    after = asyncio.create_task(_hold(admission, release, log, "after"))
    await asyncio.sleep(0)
    release.set()
    await holder  # its exit hands the slot to `handed`, which has not run yet ...
    handed.cancel()  # ... and is cancelled before it could
    await after
    with pytest.raises(asyncio.CancelledError):
        await handed
    assert "end after" in log and (admission.running, admission.waiting) == (0, 0)


async def test_unbounded_admission_never_refuses() -> None:
    admission = CpuAdmission(AdmissionPolicy.unbounded())
    release, log = asyncio.Event(), list[str]()
    tasks = [asyncio.create_task(_hold(admission, release, log, str(i))) for i in range(50)]
    await asyncio.sleep(0.01)
    assert admission.running == 50 and not admission.saturated
    release.set()
    await asyncio.gather(*tasks)
    assert admission.running == 0 and admission.refused == 0

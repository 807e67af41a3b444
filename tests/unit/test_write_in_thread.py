"""A store write in a thread is never abandoned half-way by a cancelled caller."""

from __future__ import annotations

import asyncio
import threading

import pytest

from adapters.system.threads import write_in_thread


async def test_a_cancelled_write_finishes_before_the_cancellation_lands() -> None:
    started, release = threading.Event(), threading.Event()
    written: list[str] = []

    def write() -> str:
        started.set()
        release.wait(10)
        written.append("whole")
        return "done"

    task = asyncio.create_task(write_in_thread(write))
    await asyncio.to_thread(started.wait, 10)
    task.cancel()
    await asyncio.sleep(0.1)
    assert not task.done()  # the caller (about to close the store) still waits
    task.cancel()  # asked again: still waits
    await asyncio.sleep(0.1)
    assert not task.done()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert written == ["whole"]


async def test_an_uncancelled_write_returns_its_result_or_its_error() -> None:
    assert await write_in_thread(lambda: 42) == 42

    def fail() -> None:
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        await write_in_thread(fail)

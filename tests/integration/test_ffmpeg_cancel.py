"""A decode cancelled while ffmpeg floods its pipe ends at once (real ffmpeg).

Before, about one cancel in ten hung: the read cancelled with its buffer full left the
pipe paused, the pipe never reported its end, and `wait()` never returned; in `serve` a
too-long clip then waited for its search deadline (504 after 20 s instead of 422). The
race is timing-dependent, so the test cancels many times."""

from __future__ import annotations

import asyncio

from adapters.ffmpeg.process import run_tool

FLOOD = ("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=r=48000",
         "-t", "600", "-f", "f32le", "pipe:1")  # fmt: skip


async def test_a_cancelled_run_is_reaped_at_once_every_time() -> None:
    for _ in range(30):
        task = asyncio.create_task(run_tool(*FLOOD))
        await asyncio.sleep(0.2)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=10)
        assert done, "the cancelled ffmpeg run never finished"
        assert task.cancelled()

"""Blocking store writes run in a thread that a cancellation cannot abandon half-way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def write_in_thread(work: Callable[[], T]) -> T:
    """`work()` in a worker thread; if the caller is cancelled meanwhile, the cancellation
    takes effect once the thread is done.

    `asyncio.to_thread` lets a cancelled caller go on while its thread still runs: a
    server stopping (its projectors cancelled) would then close an LMDB environment or a
    Qdrant shard under a write in progress. Waited for, the write happened whole or not at
    all, and the projector's checkpoint, saved only after it, makes the next start apply
    the event again (projections are idempotent).
    """
    task = asyncio.ensure_future(asyncio.to_thread(work))
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            try:
                await asyncio.wait({task})
            except asyncio.CancelledError:
                continue  # cancelled again: the write still finishes first
        if not task.cancelled():
            task.exception()  # retrieved: nobody waits for this write's outcome any more
        raise

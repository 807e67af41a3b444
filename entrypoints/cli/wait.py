"""Driving projections from a CLI command until a condition holds."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection

from entrypoints import bootstrap
from entrypoints.bootstrap import Core
from entrypoints.lanes import Lanes

Condition = Callable[[], Awaitable[bool]]


async def drive_projections(
    core: Core,
    lanes: Lanes,
    done: Condition,
    only: Collection[str] | None = None,
    poll_seconds: float = 0.5,
) -> None:
    """Run the projectors here if no worker owns them, else let the worker do it; return
    once `done()` holds. Either way exactly one process applies events (advisory locks)."""
    stop = asyncio.Event()
    async with bootstrap.run_projections(core, lanes, poll_seconds, only) as runner:
        worker = asyncio.create_task(runner(stop))
        try:
            while not await done():
                if worker.done():
                    worker.result()
                await asyncio.sleep(poll_seconds)
        finally:
            stop.set()
            worker.cancel()


async def wait_for_projections(core: Core, lanes: Lanes) -> None:
    """Return once every projection this process can run has applied the whole log."""
    names = [p.name for p in bootstrap.projectors(core, lanes)]
    async with core.uow() as uow:
        target = await uow.events.head()

    async def caught_up() -> bool:
        async with core.uow() as uow:
            positions = [await uow.checkpoints.get(name) for name in names]
        return all(position >= target for position in positions)

    await drive_projections(core, lanes, caught_up)

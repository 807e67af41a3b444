"""Waiting until every projection has applied the whole event log."""

from __future__ import annotations

import asyncio

from entrypoints import bootstrap
from entrypoints.bootstrap import Core


async def wait_for_projections(core: Core, poll_seconds: float = 0.5) -> None:
    """Run the projectors here if no worker owns them; else wait for the worker to catch up."""
    projectors = bootstrap.projectors(core)
    if not projectors:
        return
    async with core.uow() as uow:
        target = await uow.events.head()
    stop = asyncio.Event()
    async with bootstrap.run_projections(core, poll_seconds) as runner:
        worker = asyncio.create_task(runner(stop))
        try:
            while not await _caught_up(core, [p.name for p in projectors], target):
                if worker.done():
                    worker.result()
                await asyncio.sleep(poll_seconds)
        finally:
            stop.set()
            worker.cancel()


async def _caught_up(core: Core, names: list[str], target: int) -> bool:
    async with core.uow() as uow:
        positions = [await uow.checkpoints.get(name) for name in names]
    return all(position >= target for position in positions)

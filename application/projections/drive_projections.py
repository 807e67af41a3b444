"""Use case: run the projectors until a condition holds, for commands that wait on them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection

from application.projections.run_projections import RunProjections

Condition = Callable[[], Awaitable[bool]]


class DriveProjections:
    """Applies events here if no worker owns the projections, else lets the owner do it,
    and returns once `done()` holds. Either way exactly one process applies events: the
    runner waits on the same locks a worker or `serve` holds."""

    def __init__(self, runner: RunProjections) -> None:
        self._runner = runner

    @property
    def runnable(self) -> list[str]:
        """The projections this process could apply itself."""
        return self._runner.names

    async def until(self, done: Condition, only: Collection[str] | None = None) -> None:
        runner = self._runner if only is None else self._runner.only(only)
        stop = asyncio.Event()
        worker = asyncio.create_task(runner(stop))
        try:
            while not await done():
                if worker.done():
                    worker.result()  # the runner died: say why instead of waiting forever
                await asyncio.sleep(runner.poll_seconds)
        finally:
            stop.set()
            worker.cancel()
            # Awaited so the runner lets go of its locks before the caller closes the stores.
            await asyncio.gather(worker, return_exceptions=True)

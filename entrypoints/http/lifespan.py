"""Start-up and shutdown: open the stores, load the models, run the projectors; then close."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import structlog
from dishka import AsyncContainer
from litestar import Litestar

from application.health.check_readiness import CheckReadiness
from application.health.readiness_snapshot import REFRESH_SECONDS, ReadinessSnapshot
from application.identify.vibe_model import VibeModel
from application.library.orphan_blobs import SweepOrphanBlobs
from application.projections.run_projections import RunProjections
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from entrypoints.http import uploads
from entrypoints.http.providers import ServeOptions

log = structlog.get_logger(__name__)
# How long a stopping server waits for its projectors to reach an event boundary, then
# for the cancelled ones: `serve` stops within seconds, however far behind they were.
STOP_GRACE_SECONDS = 2.0
CANCEL_WAIT_SECONDS = 10.0


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    container: AsyncContainer = app.state.dishka_container
    try:
        # Opened eagerly: migrations run and the CLAP model loads before the first request.
        await container.get(UnitOfWorkFactory)
        await _clear_what_a_killed_process_left(container)
        await container.get(VibeModel)
        options = await container.get(ServeOptions)
        async with AsyncExitStack() as stack:
            await stack.enter_async_context(_readiness(container))
            if options.run_projections:
                runner = await container.get(RunProjections)
                await stack.enter_async_context(_projections(runner))
            log.info("serving", projections_here=options.run_projections)
            yield
    finally:
        await container.close()  # after the projectors stopped: they use the same stores
        log.info("stopped: projectors stopped, stores closed")


async def _clear_what_a_killed_process_left(container: AsyncContainer) -> None:
    """Upload spools of dead processes, and stored files no track row owns."""
    spools = await asyncio.to_thread(uploads.remove_stale_spools)
    async with container() as request:
        orphans = await (await request.get(SweepOrphanBlobs))()
    if spools or orphans:
        log.warning("removed what a killed process left", spools=spools, orphan_blobs=orphans)


@asynccontextmanager
async def _readiness(container: AsyncContainer) -> AsyncIterator[None]:
    """Readiness checked every REFRESH_SECONDS in the background (once before serving), so
    that GET /health/ready answers from the last report without any I/O of its own."""
    snapshot = await container.get(ReadinessSnapshot)

    async def refresh() -> None:
        try:
            async with container() as request:
                await snapshot.refresh(await request.get(CheckReadiness))
        except Exception:  # the probes report failures; this is the container failing
            log.exception("readiness refresh failed")

    async def refresh_forever() -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            await refresh()

    await refresh()
    task = asyncio.create_task(refresh_forever(), name="readiness")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@asynccontextmanager
async def _projections(runner: RunProjections) -> AsyncIterator[None]:
    """The projectors in this process. They wait for the projection locks (another worker
    may hold them) without holding up the start."""
    stop = asyncio.Event()
    task = asyncio.create_task(runner(stop), name="projections")
    task.add_done_callback(_report_end)
    try:
        yield
    finally:
        stop.set()  # they stop after the event in hand
        _, running = await asyncio.wait({task}, timeout=STOP_GRACE_SECONDS)
        if running:
            # Still on one long event, a rebuild, or waiting for a lock: cancelled. Store
            # writes finish first (adapters/system/threads.py) and an event whose
            # checkpoint was not saved is applied again at the next start.
            task.cancel()
            _, running = await asyncio.wait({task}, timeout=CANCEL_WAIT_SECONDS)
            if running:
                log.warning("the projections did not stop; closing the stores anyway")


def _report_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the projections stopped", exc_info=task.exception())

"""`audio-ident worker`: run the projectors until stopped (SIGINT/SIGTERM)."""

from __future__ import annotations

import argparse
import asyncio
import signal

import structlog

from application.projections.run_projections import RunProjections
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

log = structlog.get_logger(__name__)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("worker", help="keep the indexes up to date with the event log")
    parser.add_argument("--poll", type=float, default=5.0, help="seconds between polls")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    role = ProcessRole(runs_projections=True, loads_model=True, poll_seconds=args.poll)
    async with command_scope(settings, role) as scope:
        runner = await scope.get(RunProjections)
        names = runner.names
        log.info("worker waiting for projection locks", projections=names)
        ready = asyncio.Event()
        task = asyncio.create_task(runner(stop, ready))
        await ready.wait()
        log.info("worker running", projections=names)
        await task
    log.info("worker stopped")
    return 0

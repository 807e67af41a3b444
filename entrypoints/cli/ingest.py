"""`audio-ident ingest PATH... [--recursive] [--json] [--jobs N] [--wait]`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import deque
from pathlib import Path

import structlog
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from application.library.ingest_file import IngestFile
from application.projections.request_replay import RequestReplay
from domain.errors import AudioIdentError
from domain.library.ingest_outcome import IngestOutcome, IngestStatus
from entrypoints.cli.console import console
from entrypoints.cli.files import expand_paths
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

log = structlog.get_logger(__name__)
_AHEAD = 8  # files in flight per job, at most


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("ingest", help="add audio files to the library")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="audio files or folders")
    parser.add_argument("--recursive", "-r", action="store_true", help="descend into subfolders")
    parser.add_argument("--json", action="store_true", help="one JSON object per file on stdout")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="files processed at once")
    parser.add_argument("--wait", action="store_true", help="return once the indexes caught up")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    paths = list(expand_paths(args.paths, args.recursive))
    notes, results = console(stderr=True), console()
    failed = 0
    # With --wait this process may apply the events itself (no worker running).
    role = ProcessRole(runs_projections=args.wait, loads_model=args.wait)
    async with command_scope(settings, role) as scope:
        ingest = await scope.get(IngestFile)
        gate_size = max(1, args.jobs)
        gate = asyncio.Semaphore(gate_size)

        async def one(path: str) -> IngestOutcome:
            async with gate:
                try:
                    return await ingest(Path(path))
                except AudioIdentError as error:  # e.g. the database is down: say so, go on
                    return IngestOutcome(IngestStatus.FAILED, None, error.message, error.code)
                except Exception as error:  # an outage must not end the batch unreported
                    log.exception("ingest failed unexpectedly", path=path)
                    reason = f"internal error: {type(error).__name__}: {error}"
                    return IngestOutcome(IngestStatus.FAILED, reason=reason)

        with _progress(notes, len(paths)) as progress:
            task = progress.add_task("ingesting", total=len(paths))
            # `jobs` files at once, each reported in the order given. A bounded window of
            # files runs ahead of the one to report next: a long file holds back the
            # report, not the work, and a library of any size is not all in flight.
            waiting = iter(paths)
            window: deque[tuple[str, asyncio.Task[IngestOutcome]]] = deque()

            def refill() -> None:
                while len(window) < _AHEAD * gate_size:
                    path = next(waiting, None)
                    if path is None:
                        return
                    job = asyncio.create_task(one(path))
                    job.add_done_callback(lambda _: progress.advance(task))
                    window.append((path, job))

            try:
                refill()
                while window:
                    path, job = window.popleft()
                    outcome = await job
                    failed += outcome.status is IngestStatus.FAILED
                    _report(path, outcome, args.json, results)
                    refill()
            finally:
                for _, job in window:
                    job.cancel()
                await asyncio.gather(*(job for _, job in window), return_exceptions=True)
        if args.wait:
            await (await scope.get(RequestReplay)).catch_up()
    return 1 if failed else 0


def _progress(notes: Console, total: int) -> Progress:
    """A bar on stderr, for a terminal only. Lines written to stdout meanwhile are drawn
    above it when stdout is that terminal too; redirected, they go to their file."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=notes,
        disable=not notes.is_terminal or total < 2,
        transient=True,
        redirect_stdout=sys.stdout.isatty(),
    )


def _report(path: str, outcome: IngestOutcome, as_json: bool, results: Console) -> None:
    """One result line on stdout: the file, what happened, the track, and why."""
    track_id = str(outcome.track_id) if outcome.track_id else None
    if as_json:
        record = {"path": path, "status": outcome.status.value, "track_id": track_id}
        record["reason"] = outcome.reason
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
        return
    style = {"ingested": "green", "duplicate": "yellow", "failed": "red"}[outcome.status.value]
    detail = " ".join(filter(None, [track_id, outcome.reason]))
    # Escaped: a file named "live [2019].mp3" is a name, not markup.
    results.print(f"[{style}]{outcome.status.value:9}[/] {escape(path)}  {escape(detail)}")

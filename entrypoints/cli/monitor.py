"""`audio-ident monitor SOURCE [--format text|json|csv] [--reconnect]`: follow a live input and
say what plays, as it plays, with wall-clock times."""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys
from pathlib import Path

from rich.console import Console

from application.timeline.monitor import HeardSegment, MonitorStream, ReconnectPolicy, StreamGap
from domain.timeline.audio_source import AudioSource, FileSource, StandardInput, UrlSource
from entrypoints.cli.exports import SegmentExport
from entrypoints.cli.timeline_presenter import (
    gap_line,
    gap_record,
    heard_line,
    heard_record,
    json_line,
)
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "monitor",
        help="follow a live input (a file, - for stdin, or a URL) and print what plays",
        description=(
            "Prints each segment's start as soon as it is certain and the whole segment when "
            "it is settled, with wall-clock times, until the input ends or the command is "
            "stopped. SOURCE is a file, - (standard input, any format ffmpeg reads) or a URL "
            "ffmpeg opens. Exit code 1 when the input broke off (after what was heard), 69 "
            "when a URL cannot be reached at all."
        ),
    )
    parser.add_argument("source", metavar="SOURCE")
    parser.add_argument(
        "--format",
        choices=["text", "json", "csv"],
        default=None,
        help="text (the default); json: one object per line (end_seconds and ended_at null "
        "while a segment still plays; a dropped stream's outage as a gap line); csv: a "
        "header, then one row per settled segment (start and end as wall-clock times)",
    )
    parser.add_argument("--json", action="store_true", help="the same as --format json")
    parser.add_argument(
        "--reconnect",
        action="store_true",
        help="a URL stream that drops is opened again (and again, until it answers or the "
        "command is stopped); the outage is reported as a gap and the timeline goes on",
    )
    defaults = ReconnectPolicy()
    parser.add_argument(
        "--reconnect-delay-max",
        type=float,
        default=defaults.max_delay_seconds,
        metavar="SECONDS",
        help="with --reconnect: tries after a drop wait "
        f"{defaults.first_delay_seconds:g} s, then twice as long each time, up to this "
        f"(default {defaults.max_delay_seconds:g})",
    )
    parser.set_defaults(run=run)


_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://")


def source_of(argument: str) -> AudioSource:
    """`-` is standard input, `scheme://…` a URL, anything else a file."""
    if argument == "-":
        return StandardInput()
    if _URL.match(argument):
        return UrlSource(argument)
    return FileSource(Path(argument))


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.json and args.format not in (None, "json"):
        return _usage(f"--json and --format {args.format} disagree: give one of them")
    output = "json" if args.json else args.format or "text"
    source = source_of(args.source)
    reconnect = None
    if args.reconnect:
        if not isinstance(source, UrlSource):
            return _usage("--reconnect needs a URL: a file or standard input cannot be reopened")
        if args.reconnect_delay_max <= 0:
            return _usage("--reconnect-delay-max must be more than 0 seconds")
        reconnect = ReconnectPolicy(max_delay_seconds=args.reconnect_delay_max)
    # SIGTERM (a service manager stopping it) ends it cleanly with exit code 0: the decoder
    # child is stopped on the way out, and nothing but what was heard is printed.
    task = asyncio.current_task()
    stopped = asyncio.Event()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, _stop, task, stopped)
    show = _Output(args.source, output)
    try:
        async with command_scope(settings, ProcessRole()) as scope:
            monitor = await scope.get(MonitorStream)
            async for update in monitor(source, reconnect):
                show(update)
    except asyncio.CancelledError:
        if not stopped.is_set() or task is None:
            raise
        task.uncancel()
    return 0


def _stop(task: asyncio.Task[int], stopped: asyncio.Event) -> None:
    stopped.set()
    task.cancel()


class _Output:
    """Each update in the format asked for."""

    def __init__(self, name: str, output: str) -> None:
        self._name, self._output = name, output
        self._console = Console(highlight=False, soft_wrap=True)
        self._export = SegmentExport("csv", clocked=True) if output == "csv" else None

    def __call__(self, update: HeardSegment | StreamGap) -> None:
        if isinstance(update, StreamGap):
            if self._output == "json":
                json_line(gap_record(self._name, update))
            elif self._output == "text":
                self._console.print(gap_line(update))
            return  # in a CSV table the outage shows as the hole between two rows' times
        if self._export is not None:
            if update.report.settled:
                self._export.settled(self._name, update.report, update.started_at, update.ended_at)
        elif self._output == "json":
            json_line(heard_record(self._name, update))
        else:
            self._console.print(heard_line(update))


def _usage(problem: str) -> int:
    print(f"audio-ident monitor: error: {problem}", file=sys.stderr)
    return 2  # a usage error, like argparse's own

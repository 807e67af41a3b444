"""`audio-ident monitor SOURCE [--json]`: follow a live input and say what plays, as it plays."""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
from pathlib import Path

from rich.console import Console

from application.timeline.build_timeline import BuildTimeline
from application.timeline.updates import SegmentReport
from domain.timeline.audio_source import AudioSource, FileSource, StandardInput, UrlSource
from entrypoints.cli.timeline_presenter import json_line, segment_line, segment_record
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "monitor",
        help="follow a live input (a file, - for stdin, or a URL) and print what plays",
        description=(
            "Prints each segment's start as soon as it is certain and the whole segment when "
            "it is settled, until the input ends or the command is stopped. SOURCE is a "
            "file, - (standard input, any format ffmpeg reads) or a URL ffmpeg opens."
        ),
    )
    parser.add_argument("source", metavar="SOURCE")
    parser.add_argument(
        "--json",
        action="store_true",
        help="one object per line; end_seconds is null while a segment still plays",
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
    # SIGTERM stops it like Ctrl-C: the decoder child is stopped on the way out.
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    console = Console(highlight=False, soft_wrap=True)
    async with command_scope(settings, ProcessRole()) as scope:
        timeline = await scope.get(BuildTimeline)
        async for update in timeline(source_of(args.source), live=True):
            if not isinstance(update, SegmentReport):
                continue
            if args.json:
                json_line(segment_record(args.source, update))
            else:
                console.print(segment_line(update))
    return 0

"""`audio-ident identify --timeline [--format text|json|csv|cue] FILE...`: what played when,
in files of any length."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from application.timeline.build_timeline import BuildTimeline
from application.timeline.updates import Progress as Analysed
from domain.errors import AudioIdentError
from domain.timeline.audio_source import FileSource
from entrypoints.cli.exports import EXPORTS, SegmentExport
from entrypoints.cli.timeline_presenter import json_line, segment_line, segment_record
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


async def run(args: argparse.Namespace, settings: Settings, output: str) -> int:
    """`output`: text, json (one object per line), csv or cue."""
    failed = 0
    export = SegmentExport(output) if output in EXPORTS else None
    async with command_scope(settings, ProcessRole()) as scope:
        timeline = await scope.get(BuildTimeline)
        for name in args.files:
            failed += not await _one_file(timeline, name, output, export)
    return 1 if failed else 0


async def _one_file(
    timeline: BuildTimeline, name: str, output: str, export: SegmentExport | None
) -> bool:
    """Prints the file's segments as they are settled; False when it failed (said why)."""
    console = Console(highlight=False, soft_wrap=True)
    if output == "text":
        console.print(f"[bold]{name}[/]")
    path = Path(name)
    if not await asyncio.to_thread(path.is_file):
        return _failed(console, name, f"cannot read file: {name}", output)
    with _ProgressBar(name) as advance:
        try:
            async for update in timeline(FileSource(path)):
                if isinstance(update, Analysed):
                    advance(update)
                elif export is not None:
                    export.settled(name, update)
                elif output == "json":
                    json_line(segment_record(name, update))
                else:
                    console.print(f"  {segment_line(update)}")
        except AudioIdentError as error:
            return _failed(console, name, error.message, output)
    return True


def _failed(console: Console, name: str, message: str, output: str) -> bool:
    if output == "json":
        json_line({"file": name, "error": message})
    elif output == "text":
        console.print(f"  [red]{message}[/]")
    else:  # a table or a sheet has no place for it: said on stderr
        print(f"audio-ident: {name}: {message}", file=sys.stderr, flush=True)
    return False


class _ProgressBar:
    """A bar on stderr while a file is analysed, when stderr is a terminal; else nothing."""

    def __init__(self, name: str) -> None:
        self._bar: Progress | None = None
        if sys.stderr.isatty():
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f} %"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=True,
            )
        self._task = self._bar.add_task(Path(name).name, total=None) if self._bar else None

    def __enter__(self) -> Callable[[Analysed], None]:
        if self._bar is not None:
            self._bar.start()
        return self._advance

    def __exit__(self, *_: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _advance(self, progress: Analysed) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=progress.seconds, total=progress.total_seconds)

"""`audio-ident outbox status`: where the event log and each projection stand."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from rich.console import Console
from rich.table import Table

from entrypoints import bootstrap
from entrypoints.settings import Settings


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("outbox", help="inspect the event log and its projections")
    verbs = parser.add_subparsers(dest="verb", required=True)
    status = verbs.add_parser("status", help="head position, checkpoints and lag")
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=status_command)


async def status_command(args: argparse.Namespace, settings: Settings) -> int:
    async with bootstrap.open_core(settings) as core:
        names = [p.name for p in bootstrap.projectors(core)]
        async with core.uow() as uow:
            head = await uow.events.head()
            saved = await uow.checkpoints.all()
            tracks = await uow.tracks.count()
    now = datetime.now(UTC)
    rows = []
    for name in sorted(set(names) | set(saved)):
        position, updated = saved.get(name, (0, None))
        rows.append(
            {
                "projection": name,
                "checkpoint": position,
                "lag_events": max(0, head - position),
                "updated_seconds_ago": round((now - updated).total_seconds(), 1)
                if updated
                else None,
            }
        )
    report = {"head": head, "tracks": tracks, "projections": rows}
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return 0
    table = Table(title=f"event log head {head} · {tracks} tracks")
    for column in ("projection", "checkpoint", "lag (events)", "updated (s ago)"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(value) for value in row.values()))
    Console().print(table)
    return 0

"""`audio-ident outbox status [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from entrypoints import bootstrap
from entrypoints.bootstrap import Core
from entrypoints.settings import Settings


async def collect_status(core: Core) -> dict[str, Any]:
    """Head of the log, each projection's checkpoint and lag, parked events, rebuilds."""
    now = datetime.now(UTC)
    async with core.uow() as uow:
        head = await uow.events.head()
        tracks = await uow.tracks.count()
        saved = await uow.checkpoints.all()
        parked = await uow.parked.list()
        rows: list[dict[str, Any]] = []
        for name in sorted(set(bootstrap.PROJECTION_NAMES) | set(saved)):
            position, updated = saved.get(name, (0, None))
            oldest = await uow.events.read_after(position, 1)
            rebuilding = await uow.replays.pending(name)
            rows.append(
                {
                    "projection": name,
                    "checkpoint": position,
                    "lag_events": max(0, head - position),
                    "lag_seconds": round((now - oldest[0].recorded_at).total_seconds(), 1)
                    if oldest
                    else 0.0,
                    "updated_at": updated.isoformat() if updated else None,
                    "parked": sum(p.projection == name for p in parked),
                    "rebuild": {
                        "progress": rebuilding.progress_position,
                        "target": rebuilding.target_position,
                    }
                    if rebuilding
                    else None,
                }
            )
    return {
        "head": head,
        "tracks": tracks,
        "projections": rows,
        "parked_events": [
            {
                "projection": p.projection,
                "position": p.position,
                "error": p.error,
                "attempts": p.attempts,
                "parked_at": p.parked_at.isoformat(),
                "retry_requested": p.retry_requested,
            }
            for p in parked
        ],
    }


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with bootstrap.open_core(settings) as core:
        report = await collect_status(core)
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return 0
    console = Console()
    table = Table(title=f"event log head {report['head']} · {report['tracks']} tracks")
    for column in ("projection", "checkpoint", "lag (events)", "lag (s)", "parked", "rebuild"):
        table.add_column(column)
    for row in report["projections"]:
        rebuild = row["rebuild"]
        table.add_row(
            row["projection"],
            str(row["checkpoint"]),
            str(row["lag_events"]),
            f"{row['lag_seconds']:.0f}",
            str(row["parked"]),
            f"{rebuild['progress']}/{rebuild['target']}" if rebuild else "",
        )
    console.print(table)
    for parked in report["parked_events"]:
        console.print(
            f"[red]parked[/] {parked['projection']} event {parked['position']} "
            f"after {parked['attempts']} attempts: {parked['error']}",
            highlight=False,
        )
    return 0

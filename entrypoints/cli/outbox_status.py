"""`audio-ident outbox status [--json]`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from application.projections.status import ProjectionStatus, StatusReport
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def as_json(report: StatusReport) -> dict[str, Any]:
    """Head of the log, each node's copy of each projection: its checkpoint and lag, parked
    events, rebuilds (`this_node`: the copy this node reads). A projection switched off has
    no lag (null): nothing is meant to apply its events."""
    return {
        "head": report.head,
        "tracks": report.tracks,
        "projections": [
            {
                "projection": state.name,
                "node": state.node,
                "this_node": state.here,
                "checkpoint": state.checkpoint,
                "switched_off": not state.kept,
                "lag_events": state.lag_events if state.kept else None,
                "lag_seconds": state.lag_seconds if state.kept else None,
                "updated_at": state.updated_at.isoformat() if state.updated_at else None,
                "parked": state.parked,
                "rebuild": {"progress": state.rebuild.position, "target": state.rebuild.target}
                if state.rebuild
                else None,
            }
            for state in report.projections
        ],
        "parked_events": [
            {
                "projection": p.projection,
                "node": p.node,
                "position": p.position,
                "error": p.error,
                "attempts": p.attempts,
                "parked_at": p.parked_at.isoformat(),
                "retry_requested": p.retry_requested,
            }
            for p in report.parked_events
        ],
    }


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        report = as_json(await (await scope.get(ProjectionStatus))())
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return 0
    console = Console()
    table = Table(
        title=f"event log head {report['head']} · {report['tracks']} tracks",
        caption="* the copy this node reads",
    )
    columns = ("projection", "node", "checkpoint", "lag (events)", "lag (s)", "parked", "rebuild")
    for column in columns:
        table.add_column(column)
    for row in report["projections"]:
        rebuild = row["rebuild"]
        off = row["switched_off"]
        table.add_row(
            row["projection"],
            row["node"] + ("*" if row["this_node"] else ""),
            str(row["checkpoint"]),
            "switched off" if off else str(row["lag_events"]),
            "" if off else f"{row['lag_seconds']:.0f}",
            str(row["parked"]),
            f"{rebuild['progress']}/{rebuild['target']}" if rebuild else "",
        )
    console.print(table)
    for parked in report["parked_events"]:
        console.print(
            f"[red]parked[/] {parked['projection']}@{parked['node']} event {parked['position']} "
            f"after {parked['attempts']} attempts: {parked['error']}",
            highlight=False,
        )
    return 0

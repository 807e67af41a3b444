"""`audio-ident outbox replay|verify|retry`: rebuild, check and heal the projections."""

from __future__ import annotations

import argparse
import json
import sys

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from application.identify.vibe_model import VibeModel
from application.projections.request_replay import RequestReplay
from application.projections.retry_parked import RetryParked
from application.projections.verify_projections import VerifyProjections
from domain.projections.names import ProjectionName
from domain.projections.nodes import ProjectionKey
from entrypoints.cli.console import console as soft_wrapped
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

console = soft_wrapped(stderr=True)


async def replay(args: argparse.Namespace, settings: Settings) -> int:
    names: set[str] = set(ProjectionName) if args.projection == "all" else {args.projection}
    nodes: list[str] | None = [] if args.all_nodes else [args.node] if args.node else None
    if args.from_scratch and not args.yes and not _confirmed(names, nodes):
        return 2
    role = ProcessRole(runs_projections=True, loads_model=ProjectionName.EMBEDDING in names)
    async with command_scope(settings, role) as scope:
        use_case = await scope.get(RequestReplay)
        missing = names - set(use_case.runnable)
        if missing:
            reason = (await scope.get(VibeModel)).unavailable_reason
            console.print(
                f"[red]cannot run {', '.join(sorted(missing))} here:[/] {reason}",
                highlight=False,
            )
            return 1
        if not args.from_scratch:
            caught = await use_case.catch_up(names, nodes)
            console.print(f"caught up to event {caught.target}", highlight=False)
            _say_idle(caught.idle, "catches up")
            return 0
        with Progress(
            TextColumn("[bold]rebuilding {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as bar:
            tasks: dict[ProjectionKey, TaskID] = {}

            def progressed(key: ProjectionKey, position: int, target: int) -> None:
                if key not in tasks:
                    tasks[key] = bar.add_task(str(key), total=None)
                bar.update(tasks[key], completed=position, total=target)

            outcome = await use_case.from_scratch(names, nodes, progressed)
    failed = {key: s.error for key, s in outcome.finished.items() if s.error}
    for key, state in outcome.finished.items():
        if key in failed:
            console.print(f"[red]{key}: rebuild failed:[/] {failed[key]}", highlight=False)
        else:
            console.print(f"{key}: rebuilt up to event {state.progress_position}", highlight=False)
    _say_idle(outcome.queued, "rebuilds it")
    return 1 if failed else 0


def _say_idle(keys: list[ProjectionKey], does: str) -> None:
    for key in keys:
        console.print(
            f"{key}: node {key.node} is not running; it {does} when it starts", highlight=False
        )


def _confirmed(names: set[str], nodes: list[str] | None) -> bool:
    if not sys.stdin.isatty():
        console.print("refusing to rebuild without --yes (no terminal to ask on)")
        return False
    where = "this node" if nodes is None else "every node" if not nodes else f"node {nodes[0]}"
    answer = console.input(
        f"Rebuild {', '.join(sorted(names))} on {where} from the event log? [y/N] "
    )
    return answer.strip().lower() in ("y", "yes")


async def verify(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole()) as scope:
        report = await (await scope.get(VerifyProjections))(repair=args.repair)
    drift = [
        {
            "projection": d.projection,
            "track_id": str(d.track_id),
            "kind": d.kind.value,
            "expected": d.expected,
            "actual": d.actual,
        }
        for d in report.drift
    ]
    if args.json:
        summary = {
            "checked_tracks": report.checked_tracks,
            "drift": drift,
            "repair_events": report.repair_events,
            "unverifiable": report.unverifiable,
        }
        sys.stdout.write(json.dumps(summary) + "\n")
    else:
        out = soft_wrapped()
        out.print(f"checked {report.checked_tracks} tracks: {len(drift)} drifted", highlight=False)
        for item in drift:
            out.print(
                f"  {item['projection']}: {item['track_id']} {item['kind']} "
                f"(recorded {item['expected']}, holds {item['actual']})",
                highlight=False,
            )
        for name, reason in report.unverifiable.items():
            out.print(f"  [yellow]{name} not verified:[/] {reason}", highlight=False)
        if report.repair_events:
            out.print(f"appended {report.repair_events} repair events", highlight=False)
    return 0 if report.clean else 1


async def retry(args: argparse.Namespace, settings: Settings) -> int:
    # The model is loaded unless only fingerprint events are retried: any parked embedding
    # event needs it, and which are parked is known only inside the command.
    needs_model = args.projection != ProjectionName.FINGERPRINT
    role = ProcessRole(runs_projections=True, loads_model=needs_model)
    async with command_scope(settings, role) as scope:
        outcome = await (await scope.get(RetryParked))(args.projection, args.event, args.node)
    if not outcome.marked:
        console.print("no parked events to retry", highlight=False)
        return 1 if args.event is not None else 0
    console.print(
        f"retried {outcome.marked} parked events; {outcome.still_parked} still parked",
        highlight=False,
    )
    _say_idle(outcome.idle, "retries them")
    return 1 if outcome.still_parked else 0

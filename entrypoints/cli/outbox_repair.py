"""`audio-ident outbox replay|verify|retry`: rebuild, check and heal the projections."""

from __future__ import annotations

import argparse
import json
import sys

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from application.identify.vibe_model import VibeModel
from application.projections.request_replay import RequestReplay
from application.projections.retry_parked import RetryParked
from application.projections.verify_projections import VerifyProjections
from domain.projections.names import ProjectionName
from entrypoints.cli.console import console as soft_wrapped
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

console = soft_wrapped(stderr=True)


async def replay(args: argparse.Namespace, settings: Settings) -> int:
    names: set[str] = set(ProjectionName) if args.projection == "all" else {args.projection}
    if args.from_scratch and not args.yes and not _confirmed(names):
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
            target = await use_case.catch_up(names)
            console.print(f"caught up to event {target}", highlight=False)
            return 0
        with Progress(
            TextColumn("[bold]rebuilding {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as bar:
            tasks = {name: bar.add_task(name, total=None) for name in sorted(names)}

            def progressed(name: str, position: int, target: int) -> None:
                bar.update(tasks[name], completed=position, total=target)

            outcome = await use_case.from_scratch(names, progressed)
    failed = {n: s.error for n, s in outcome.items() if s.error}
    for name, state in outcome.items():
        if name in failed:
            console.print(f"[red]{name}: rebuild failed:[/] {failed[name]}", highlight=False)
        else:
            console.print(f"{name}: rebuilt up to event {state.progress_position}", highlight=False)
    return 1 if failed else 0


def _confirmed(names: set[str]) -> bool:
    if not sys.stdin.isatty():
        console.print("refusing to rebuild without --yes (no terminal to ask on)")
        return False
    answer = console.input(f"Rebuild {', '.join(sorted(names))} from the event log? [y/N] ")
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
        outcome = await (await scope.get(RetryParked))(args.projection, args.event)
    if not outcome.marked:
        console.print("no parked events to retry", highlight=False)
        return 1 if args.event is not None else 0
    console.print(
        f"retried {outcome.marked} parked events; {outcome.still_parked} still parked",
        highlight=False,
    )
    return 1 if outcome.still_parked else 0

"""`audio-ident outbox replay|verify|retry`: rebuild, check and heal the projections."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from application.verify_projections import VerifyProjections
from entrypoints import bootstrap
from entrypoints.cli.wait import drive_projections
from entrypoints.lanes import open_lanes
from entrypoints.settings import Settings
from entrypoints.store_inventory import StoreInventory

console = Console(stderr=True)


async def replay(args: argparse.Namespace, settings: Settings) -> int:
    names: set[str] = (
        set(bootstrap.PROJECTION_NAMES) if args.projection == "all" else {args.projection}
    )
    if args.from_scratch and not args.yes and not _confirmed(names):
        return 2
    async with (
        bootstrap.open_core(settings) as core,
        open_lanes(settings, writer=True, load_model="embedding" in names) as lanes,
    ):
        runnable = {p.name for p in bootstrap.projectors(core, lanes)}
        if names - runnable:
            console.print(
                f"[red]cannot run {', '.join(sorted(names - runnable))} here:[/] "
                f"{lanes.vibe_unavailable_reason}",
                highlight=False,
            )
            return 1
        if not args.from_scratch:
            async with core.uow() as uow:
                target = await uow.events.head()

            async def caught_up() -> bool:
                async with core.uow() as uow:
                    return all([await uow.checkpoints.get(n) >= target for n in names])

            await drive_projections(core, lanes, caught_up, only=names)
            console.print(f"caught up to event {target}", highlight=False)
            return 0
        async with core.uow() as uow:
            requests = {name: await uow.replays.request(name) for name in sorted(names)}
            await uow.commit()
        with Progress(
            TextColumn("[bold]rebuilding {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as bar:
            tasks = {name: bar.add_task(name, total=None) for name in requests}

            async def finished() -> bool:
                async with core.uow() as uow:
                    states = {n: await uow.replays.get(i) for n, i in requests.items()}
                for name, state in states.items():
                    if state is not None and state.target_position:
                        bar.update(
                            tasks[name],
                            completed=state.progress_position,
                            total=state.target_position,
                        )
                return all(s is not None and s.done for s in states.values())

            await drive_projections(core, lanes, finished, only=names)
        async with core.uow() as uow:
            outcome = {n: await uow.replays.get(i) for n, i in requests.items()}
    failed = {n: s.error for n, s in outcome.items() if s is not None and s.error}
    for name, state in outcome.items():
        if name in failed:
            console.print(f"[red]{name}: rebuild failed:[/] {failed[name]}", highlight=False)
        elif state is not None:
            console.print(f"{name}: rebuilt up to event {state.progress_position}", highlight=False)
    return 1 if failed else 0


def _confirmed(names: set[str]) -> bool:
    if not sys.stdin.isatty():
        console.print("refusing to rebuild without --yes (no terminal to ask on)")
        return False
    answer = console.input(f"Rebuild {', '.join(sorted(names))} from the event log? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


async def verify(args: argparse.Namespace, settings: Settings) -> int:
    async with (
        bootstrap.open_core(settings) as core,
        open_lanes(settings, writer=False, load_model=False) as lanes,
    ):
        stores = [
            StoreInventory("fingerprint", lanes.fingerprint_index),
            StoreInventory("embedding", lanes.vector_index),
        ]
        report = await VerifyProjections(core.uow, stores)(repair=args.repair)
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
        out = Console()
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
    async with bootstrap.open_core(settings) as core:
        async with core.uow() as uow:
            marked = await uow.parked.request_retry(args.projection, args.event)
            flagged = {p.projection for p in await uow.parked.list() if p.retry_requested}
            await uow.commit()
        if not marked:
            console.print("no parked events to retry", highlight=False)
            return 1 if args.event is not None else 0
        async with open_lanes(settings, writer=True, load_model="embedding" in flagged) as lanes:

            async def retried() -> bool:
                async with core.uow() as uow:
                    return not any(p.retry_requested for p in await uow.parked.list())

            await drive_projections(core, lanes, retried, only=flagged)
        async with core.uow() as uow:
            still = [p for p in await uow.parked.list() if p.projection in flagged]
    console.print(f"retried {marked} parked events; {len(still)} still parked", highlight=False)
    return 1 if still else 0

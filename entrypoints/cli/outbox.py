"""`audio-ident outbox status|replay|verify|retry`: the event log and its projections."""

from __future__ import annotations

import argparse

from domain.projections.names import ProjectionName
from entrypoints.cli import outbox_repair, outbox_status

PROJECTIONS = [name.value for name in ProjectionName]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("outbox", help="inspect and repair the event log's projections")
    verbs = parser.add_subparsers(dest="verb", required=True)

    status = verbs.add_parser("status", help="head, checkpoints, lag and parked events")
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=outbox_status.run)

    replay = verbs.add_parser("replay", help="catch a projection up, or rebuild it from scratch")
    replay.add_argument("--projection", choices=[*PROJECTIONS, "all"], required=True)
    replay.add_argument("--from-scratch", action="store_true", help="rebuild into a new store")
    replay.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    replay.set_defaults(run=outbox_repair.replay)

    verify = verbs.add_parser("verify", help="compare the projections with the library")
    verify.add_argument("--repair", action="store_true", help="append events that heal drift")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=outbox_repair.verify)

    retry = verbs.add_parser("retry", help="apply parked events again")
    retry.add_argument("--event", type=int, help="only the event at this position")
    retry.add_argument("--projection", choices=PROJECTIONS)
    retry.set_defaults(run=outbox_repair.retry)

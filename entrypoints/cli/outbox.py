"""`audio-ident outbox status|replay|verify|retry`: the event log and its projections."""

from __future__ import annotations

import argparse

from domain.projections.names import ProjectionName
from entrypoints.cli import outbox_repair, outbox_status

PROJECTIONS = [name.value for name in ProjectionName]


def _node_options(parser: argparse.ArgumentParser, what: str) -> None:
    nodes = parser.add_mutually_exclusive_group()
    nodes.add_argument(
        "--node", metavar="NODE_ID", help=f"{what} that node's copy (default: this node's, NODE_ID)"
    )
    nodes.add_argument("--all-nodes", action="store_true", help=f"{what} every node's copy")


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
    _node_options(replay, "replay")
    replay.set_defaults(run=outbox_repair.replay)

    verify = verbs.add_parser("verify", help="compare the projections with the library")
    verify.add_argument("--repair", action="store_true", help="append events that heal drift")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=outbox_repair.verify)

    retry = verbs.add_parser("retry", help="apply parked events again")
    retry.add_argument("--event", type=int, help="only the event at this position")
    retry.add_argument("--projection", choices=PROJECTIONS)
    retry.add_argument("--node", metavar="NODE_ID", help="only that node's parked events")
    retry.set_defaults(run=outbox_repair.retry)

"""`audio-ident search-text [--top N] [--json] "a calm piano with rain"`."""

from __future__ import annotations

import argparse
import json
import sys

from rich.markup import escape

from application.identify.search_by_text import SearchByText
from application.identify.search_policy import SearchPolicy
from domain.errors import AudioIdentError
from domain.vibe.alikeness import alike_phrase
from entrypoints.cli import presenters
from entrypoints.cli.arguments import int_within
from entrypoints.cli.console import console
from entrypoints.cli.presenters import artist
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("search-text", help="tracks that sound like a description")
    parser.add_argument("query", help='e.g. "a calm piano with rain"')
    defaults = SearchPolicy()  # the help states the policy's own, which no setting moves
    parser.add_argument(
        "--top",
        type=int_within(1, defaults.max_top),
        help=f"tracks to return (1-{defaults.max_top}, default {defaults.default_top})",
    )
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    async with command_scope(settings, ProcessRole(loads_model=True)) as scope:
        search = await scope.get(SearchByText)
        top = (await scope.get(SearchPolicy)).top(args.top)
        try:
            matches = await search(args.query, top)
        except AudioIdentError as error:
            print(f"audio-ident: {error.message}", file=sys.stderr)
            return 1
    found = [presenters.vibe_match(match, track) for match, track in matches]
    if args.json:
        sys.stdout.write(json.dumps({"query": args.query, "vibe_matches": found}) + "\n")
        return 0
    out = console()
    for m in found:
        out.print(
            f"{escape(m['title'])} — {escape(artist(m['artist']))}  "
            f"{alike_phrase(m['alike_percentile'], m['similarity'])}"
        )
    if not found:
        out.print("no tracks yet")
    return 0

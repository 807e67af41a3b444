"""`audio-ident identify FILE... [--mode exact|vibe|both] [--top N] [--json] [--jobs N]
[--timeline [--format text|json|csv|cue]]`.

A file longer than a clip is answered by its timeline: one answer when a single track
covers it, else what plays when (see `IdentifyFile`)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import deque
from pathlib import Path
from typing import Any

from rich.console import Console

from application.identify.identify_file import IdentifyFile, WholeFile
from application.identify.identify_result import IdentifyResult, LaneState, SearchMode
from application.identify.search_policy import SearchPolicy
from domain.errors import AudioIdentError, ErrorCode
from domain.exact.reading import Certainty
from domain.vibe.alikeness import alike_phrase
from entrypoints.cli import presenters, timeline
from entrypoints.cli.exports import EXPORTS
from entrypoints.cli.timeline_presenter import clock, segment_record, segment_text
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("identify", help="find what audio clips are (and sound like)")
    parser.add_argument("files", nargs="+", metavar="FILE")
    # Left out, the search policy decides (the same defaults as the HTTP API's); the help
    # states the policy's own, which no setting moves.
    defaults = SearchPolicy()
    parser.add_argument(
        "--mode",
        choices=[m.value for m in SearchMode],
        help=f"lanes to run (default {defaults.default_mode}); an unavailable vibe lane is an "
        "error only when asked for by name",
    )
    parser.add_argument(
        "--top",
        type=int,
        help=f"matches per lane (1-{defaults.max_top}, default {defaults.default_top})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON object per file on stdout (with --timeline: one per segment); the "
        "same as --format json",
    )
    parser.add_argument(
        "--format",
        choices=["text", "json", *EXPORTS],
        help="text (the default), json (as --json), and with --timeline also csv (a header "
        "row, then start, end, title, artist, track_id, offset, speed, confidence per segment) "
        "or cue (a CUE sheet: one TRACK per segment, INDEX 01 at its start)",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=2,
        help="files identified at once; answers still come in the order given (default 2)",
    )
    parser.add_argument(
        "--timeline",
        action="store_true",
        help="what played when, segment by segment as each is settled (exact lane; --mode "
        "and --top ignored); without it a file longer than a clip gets its timeline at once",
    )
    parser.set_defaults(run=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    output, problem = output_format(args.json, args.format, args.timeline)
    if problem:
        print(f"audio-ident identify: error: {problem}", file=sys.stderr)
        return 2  # a usage error, like argparse's own
    if args.timeline:
        return await timeline.run(args, settings, output)
    args.json = output == "json"
    asked = None if args.mode is None else SearchMode(args.mode)
    errors = 0
    jobs = max(1, args.jobs)
    # No mode asked: the policy's default may run the vibe lane, so the model is loaded.
    role = ProcessRole(loads_model=asked is None or asked.runs("vibe"))
    async with command_scope(settings, role) as scope:
        policy = await scope.get(SearchPolicy)
        mode, top = policy.mode(asked), policy.top(args.top)
        # A lane that cannot run is an error when asked for by name; under the default mode
        # it is only reported (`lanes`), as the HTTP API does: vibe switched off is no failure.
        unusable = {LaneState.TIMEOUT, LaneState.FAILED}
        if asked is not None:
            unusable.add(LaneState.UNAVAILABLE)
        identify = await scope.get(IdentifyFile)
        # A window of `jobs` files in flight: one file's decoder child and database round
        # trips overlap another's fingerprinting, and each answer is printed in turn.
        window: deque[asyncio.Task[dict[str, Any]]] = deque()
        try:
            for position, name in enumerate(args.files, 1):
                work = _identify(identify, name, mode, top, unusable, asked)
                window.append(asyncio.create_task(work))
                while window and (len(window) >= jobs or position == len(args.files)):
                    record = await window.popleft()
                    errors += record["error"] is not None
                    _print(record, args.json)
        finally:
            for task in window:
                task.cancel()
            await asyncio.gather(*window, return_exceptions=True)
    return 1 if errors else 0


def output_format(as_json: bool, asked: str | None, with_timeline: bool) -> tuple[str, str | None]:
    """The output asked for (`--json` is `--format json`), or why the options disagree."""
    if as_json and asked not in (None, "json"):
        return "json", f"--json and --format {asked} disagree: give one of them"
    output = "json" if as_json else asked or "text"
    if output in EXPORTS and not with_timeline:
        return output, f"--format {output} lists a timeline: add --timeline"
    return output, None


async def _identify(
    identify: IdentifyFile,
    name: str,
    mode: SearchMode,
    top: int,
    unusable: set[LaneState],
    asked: SearchMode | None,
) -> dict[str, Any]:
    # Every record has the same keys, a failed file's too (no lane ran: `lanes` is empty);
    # `timeline` is null for a clip, the segments of a file longer than a clip.
    record: dict[str, Any] = {
        "file": name,
        "seconds": None,
        "exact_matches": [],
        "vibe_matches": [],
        "error": None,
        "lanes": {},
        "timeline": None,
    }
    path = Path(name)
    if not await asyncio.to_thread(path.is_file):
        record["error"] = f"cannot read file: {name}"
        return record
    try:
        result = await identify(path, mode, top)
    except AudioIdentError as error:
        record["error"] = error.message
        if error.code is ErrorCode.AUDIO_TOO_LONG and asked is SearchMode.VIBE:
            record["error"] += (
                ": leave out --mode vibe for what plays in it, or cut a clip of at most "
                f"{error.details.get('max_seconds', 60):g} s"
            )
        return record
    if isinstance(result, WholeFile):
        record["seconds"] = round(result.seconds, 3)
        record["timeline"] = [segment_record(None, report) for report in result.segments]
        return record
    return _clip(record, result, unusable)


def _clip(
    record: dict[str, Any], result: IdentifyResult, unusable: set[LaneState]
) -> dict[str, Any]:
    record["seconds"] = round(result.audio_seconds, 3)
    record["exact_matches"] = [
        presenters.exact_match(m, t, result.audio_seconds) for m, t in result.exact
    ]
    record["vibe_matches"] = [presenters.vibe_match(m, t) for m, t in result.vibe]
    record["lanes"] = {name: presenters.lane(report) for name, report in result.lanes.items()}
    failed = [
        f"{lane} lane: {report.reason}"
        for lane, report in result.lanes.items()
        if report.state in unusable
    ]
    record["error"] = "; ".join(failed) or None
    return record


def _print(record: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
        return
    console = Console(soft_wrap=True)  # a long line stays one line in a pipe
    console.print(f"[bold]{record['file']}[/]", highlight=False)
    if record["error"]:
        console.print(f"  [red]{record['error']}[/]", highlight=False)
    if record["timeline"] is not None:
        _print_whole(console, record)
        return
    for m in record["exact_matches"]:
        console.print(
            f"  exact  {m['certainty']}  {m['title']} — {m['artist'] or '?'}"
            f"  at {m['offset_seconds']:.2f} s  ({m['evidence']})",
            highlight=False,
        )
    for m in record["vibe_matches"]:
        console.print(
            f"  vibe   {m['title']} — {m['artist'] or '?'}"
            f"  {alike_phrase(m['alike_percentile'], m['similarity'])}"
            f"  near {m['best_chunk_offset_seconds']:.0f} s",
            highlight=False,
        )
    if not (record["exact_matches"] or record["vibe_matches"] or record["error"]):
        console.print("  no match", highlight=False)


def _print_whole(console: Console, record: dict[str, Any]) -> None:
    """A file longer than a clip: one answer when a single track covers it, else its
    timeline, as `identify --timeline` prints it."""
    segments: list[dict[str, Any]] = record["timeline"]
    length = clock(record["seconds"] or 0.0)
    if len(segments) == 1 and segments[0]["track_id"] is not None:
        only = segments[0]
        sure = Certainty.of(only["confidence"])
        console.print(
            f"  exact  {sure}  {only['title']} — {only['artist'] or '?'}"
            f"  the whole file ({length}), from {clock(only['offset_seconds'])} in the track",
            highlight=False,
        )
        return
    console.print(f"  longer than a clip ({length}): what plays when", highlight=False)
    for segment in segments:
        console.print(f"  {segment_text(segment)}", highlight=False)
    if not segments:
        console.print("  no match", highlight=False)

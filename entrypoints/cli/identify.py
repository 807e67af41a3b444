"""`audio-ident identify FILE|FOLDER... [--recursive] [--mode exact|vibe|both] [--top N]
[--json] [--jobs N] [--timeline [--format text|json|csv|cue]]`.

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
from rich.markup import escape

from application.identify.identify_file import IdentifyFile, WholeFile
from application.identify.identify_result import IdentifyResult, LaneState, SearchMode
from application.identify.search_policy import SearchPolicy
from domain.errors import AudioIdentError, ErrorCode
from domain.exact.reading import Certainty
from domain.vibe.alikeness import alike_phrase
from entrypoints.cli import presenters, timeline
from entrypoints.cli.arguments import int_within
from entrypoints.cli.console import console
from entrypoints.cli.exports import EXPORTS
from entrypoints.cli.files import expand_paths
from entrypoints.cli.presenters import artist, position
from entrypoints.cli.timeline_presenter import clock, segment_record, segment_text
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("identify", help="find what audio clips are (and sound like)")
    parser.add_argument(
        "files", nargs="+", metavar="FILE", help="audio files, or folders of them (as ingest)"
    )
    parser.add_argument(
        "--recursive", "-r", action="store_true", help="in folders, descend into subfolders"
    )
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
        type=int_within(1, defaults.max_top),
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
    # A folder stands for the audio files in it, as it does for ingest.
    args.files = list(expand_paths(args.files, args.recursive))
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
    out = console()
    out.print(f"[bold]{escape(record['file'])}[/]")
    if record["error"]:
        out.print(f"  [red]{escape(record['error'])}[/]")
    if record["timeline"] is not None:
        _print_whole(out, record)
        return
    for m in record["exact_matches"]:
        out.print(
            f"  exact  {m['certainty']}  {_named(m)}  at {position(m['offset_seconds'])}"
            f"  ({m['evidence']})"
        )
    for m in record["vibe_matches"]:
        out.print(
            f"  vibe   {_named(m)}  {alike_phrase(m['alike_percentile'], m['similarity'])}"
            f"  near {position(m['best_chunk_offset_seconds'])}"
        )
    if not (record["exact_matches"] or record["vibe_matches"] or record["error"]):
        out.print("  no match")


def _named(match: dict[str, Any]) -> str:
    return escape(f"{match['title']} — {artist(match['artist'])}")


def _print_whole(out: Console, record: dict[str, Any]) -> None:
    """A file longer than a clip: one answer when a single track covers it, else its
    timeline, as `identify --timeline` prints it."""
    segments: list[dict[str, Any]] = record["timeline"]
    length = clock(record["seconds"] or 0.0)
    if len(segments) == 1 and segments[0]["track_id"] is not None:
        only = segments[0]
        sure = Certainty.of(only["confidence"])
        out.print(
            f"  exact  {sure}  {_named(only)}"
            f"  the whole file ({length}), from {clock(only['offset_seconds'])} in the track"
        )
        return
    out.print(f"  longer than a clip ({length}): what plays when")
    for segment in segments:
        out.print(f"  {escape(segment_text(segment))}")
    if not segments:
        out.print("  no match")

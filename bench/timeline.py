"""Timeline benchmark: mixes of corpus excerpts through `identify --timeline` and `monitor`.

    .venv/bin/python -m bench.timeline [--corpus DIR] [--work DIR] [--mixes 3]
        [--recipe classic|offspeed|dj] [--excerpts N] [--no-command]
        [--monitor-mixes 1] [--pace 4] [--write bench/RESULTS.md]

The library is the corpus's tracks, ingested once into WORK/library (embedded Postgres,
LMDB; EMBEDDING_MODEL=none) and kept for later runs. Each mix (timeline_mix.py) is built
once under WORK/mix-N. For each mix, the timeline runs in this process through the same
container and use case as `identify --timeline` (CPU of this process and of its ffmpeg
children, start-up excluded) and once as the real command (wall and CPU with start-up).
`monitor -` is fed the MP3 on stdin at PACE times real time; each line's arrival, times
PACE, is where in the input it came out, so the delay after an excerpt's start is in
seconds of input (processing time counts PACE times over: pessimistic).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from application.timeline.build_timeline import BuildTimeline
from application.timeline.updates import SegmentReport
from bench.timeline_mix import RECIPES, build
from bench.timeline_report import Run, render
from bench.timeline_score import score, versions_of
from domain.timeline.audio_source import FileSource
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

CLI = [sys.executable, "-m", "entrypoints.cli.main"]


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    env.update(AUDIO_STORAGE_ROOT=str(work / "library"), EMBEDDING_MODEL="none")
    return env


def library(corpus: Path, work: Path) -> dict[str, str]:
    """Track id -> corpus name; ingests the corpus's tracks the first time."""
    names = work / "library" / "names.json"
    if names.exists():
        return dict(json.loads(names.read_text()))
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "ingest", "--recursive", "--json", "--wait", str(corpus / "tracks")],
        env=_env(work),
        capture_output=True,
        text=True,
        check=True,
    )
    found = {}
    for line in done.stdout.splitlines():
        record = json.loads(line)
        if record["track_id"]:
            name = Path(record["path"]).relative_to(corpus / "tracks").as_posix()
            found[record["track_id"]] = name
    names.write_text(json.dumps(found))
    print(f"library: {len(found)} tracks in {time.perf_counter() - started:.0f} s", flush=True)
    return found


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


async def in_process(
    work: Path, mix: Path, names: dict[str, str]
) -> tuple[list[dict[str, Any]], float, float]:
    """Segments, CPU seconds and wall seconds of the use case `identify --timeline` runs."""
    settings = Settings.from_env(_env(work))
    async with command_scope(settings, ProcessRole()) as scope:
        timeline = await scope.get(BuildTimeline)
        cpu, wall = _cpu(), time.perf_counter()
        segments = [
            _segment(update, names)
            async for update in timeline(FileSource(mix))
            if isinstance(update, SegmentReport)
        ]
        return segments, _cpu() - cpu, time.perf_counter() - wall


def _segment(update: SegmentReport, names: dict[str, str]) -> dict[str, Any]:
    s = update.segment
    return {
        "start_seconds": s.start_seconds,
        "end_seconds": s.end_seconds,
        "track": names.get(str(s.track_id)) if s.track_id else None,
        "offset_seconds": s.offset_seconds,
        "speed": s.speed,
        "pitch_semitones": s.pitch_semitones,
    }


def command(work: Path, mix: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of the real `identify --timeline --json` command; its lines."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "identify", "--timeline", "--json", str(mix)],
        env=_env(work),
        capture_output=True,
        text=True,
        check=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - started, cpu, len(done.stdout.splitlines())


def monitor(work: Path, mix: Path, pace: float) -> list[tuple[float, dict[str, Any]]]:
    """(seconds of input fed when the line came, line) for `monitor - --json` fed at pace."""
    data = mix.read_bytes()
    seconds = json.loads((mix.parent / "truth.json").read_text())["seconds"]
    rate = len(data) / seconds * pace  # bytes per second of wall time
    process = subprocess.Popen(
        [*CLI, "monitor", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=_env(work),
    )
    assert process.stdin is not None and process.stdout is not None
    started = [0.0]

    def feed() -> None:
        assert process.stdin is not None
        started[0] = time.perf_counter()
        step = max(1, int(rate / 20))  # 50 ms of wall time per write
        with process.stdin:
            for offset in range(0, len(data), step):
                due = started[0] + offset / rate
                time.sleep(max(0.0, due - time.perf_counter()))
                process.stdin.write(data[offset : offset + step])
                process.stdin.flush()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    lines = []
    for raw in process.stdout:
        lines.append(((time.perf_counter() - started[0]) * pace, json.loads(raw)))
    process.wait()
    feeder.join()
    return lines


def delays(
    truth: list[dict[str, Any]], lines: list[tuple[float, dict[str, Any]]], names: dict[str, str],
    versions: dict[str, set[str]],
) -> list[float]:  # fmt: skip
    """Per library excerpt: input seconds from its start to the first line naming it."""
    found = []
    for excerpt in (e for e in truth if e["kind"] == "track"):
        allowed = versions.get(excerpt["name"], {excerpt["name"]})
        for at, line in lines:
            name = names.get(line["track_id"] or "")
            inside = excerpt["start_seconds"] - 3 <= line["start_seconds"] < excerpt["end_seconds"]
            if name in allowed and inside:
                found.append(at - excerpt["start_seconds"])
                break
    return found


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/audio-ident-timeline-bench"))
    parser.add_argument("--mixes", type=int, default=3)
    parser.add_argument("--monitor-mixes", type=int, default=1)
    parser.add_argument("--pace", type=float, default=4.0)
    parser.add_argument("--recipe", choices=RECIPES, default="classic")
    parser.add_argument("--excerpts", type=int, help="library excerpts per mix (20; 14 else)")
    parser.add_argument("--no-command", action="store_true", help="skip the timed CLI run")
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    excerpts = args.excerpts or (20 if args.recipe == "classic" else 14)

    names = library(args.corpus, args.work)
    versions = versions_of(json.loads((args.corpus / "near_duplicates.json").read_text()))
    runs: list[Run] = []
    for seed in range(1, args.mixes + 1):
        name = f"mix-{seed}" if args.recipe == "classic" else f"{args.recipe}-{seed}"
        folder = args.work / name
        mix = build(args.corpus, folder, seed, excerpts, snr_db=10.0, recipe=args.recipe)
        truth = json.loads((mix.parent / "truth.json").read_text())
        segments, cpu, wall = await in_process(args.work, mix, names)
        command_wall, command_cpu = (
            (float("nan"), float("nan")) if args.no_command else command(args.work, mix)[:2]
        )
        lines = monitor(args.work, mix, args.pace) if seed <= args.monitor_mixes else []
        run = Run(
            seed=seed,
            seconds=truth["seconds"],
            score=score(truth["excerpts"], segments, versions),
            midpoint_score=score(truth["excerpts"], segments, versions, edges="midpoints"),
            cpu=cpu,
            wall=wall,
            command_cpu=command_cpu,
            command_wall=command_wall,
            delays=delays(truth["excerpts"], lines, names, versions) if lines else [],
            load=os.getloadavg(),
        )
        runs.append(run)
        print(f"mix {seed}: {run.score.found}/{run.score.known} found, {cpu:.1f} CPU s", flush=True)
    report = render(runs, args.corpus, args.pace, args.recipe)
    print(report)
    for run in runs:
        print(f"mix {run.seed} missed: {run.score.missed}; coverage "
              f"{[round(c, 2) for c in run.score.coverage]}")  # fmt: skip
    if args.write:
        _write_section(args.write, report)


def _write_section(path: Path, report: str) -> None:
    """Replace the report's own section of RESULTS.md (or append it)."""
    text = path.read_text()
    title = report.splitlines()[0]
    start = text.find(title + "\n")
    if start < 0:
        path.write_text(text.rstrip() + "\n\n" + report + "\n")
        return
    end = text.find("\n## ", start + 1)
    path.write_text(text[:start] + report + ("\n" + text[end + 1 :] if end >= 0 else "\n"))


if __name__ == "__main__":
    asyncio.run(main())

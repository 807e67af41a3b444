"""Side by side with a peer (Olaf): the same library, the same query files, one after the other.

    .venv/bin/python -m bench.peers --olaf /path/to/olaf [--corpus DIR] [--work DIR]
        [--runs 3] [--baseline CHECKOUT] [--write bench/RESULTS.md]

Olaf is built from its public source outside this repository (its Makefile); nothing of it is
here. Both store the corpus's tracks: ours by `audio-ident ingest` into WORK/library (embedded
Postgres, LMDB, EMBEDDING_MODEL=none; bench.timeline's library, kept for later runs), Olaf by
`olaf store` into a database of its own under WORK/olaf (its HOME, so ~/.olaf is never
touched). Then, RUNS times and alternating, each answers all the manifest's queries in one
command: `audio-ident identify --mode exact --json` (default jobs), `olaf query` (its
default, one thread) and `olaf query --threads 2`. Each command's wall time, its CPU (user +
system, its children included: os.wait4's usage of the process tree) and the peak RSS of its
largest process are taken; the table has the medians. Recall and false positives are scored
as bench/exact.py scores them (the top answer's track and offset): Olaf's top match is its
first (most aligned hashes), its offset the reference start less the query start.
With --baseline, the same identify command also runs from another checkout of this
repository (an earlier commit, with this one's venv), as one more row of the same runs.
Each checkout's packages are compiled to bytecode first, as `pip install` leaves an
installed package: run from a source tree under PYTHONDONTWRITEBYTECODE (as agents' shells
have it), every command would otherwise compile ~400 modules again (0.25 s of CPU).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.exact import _manifest, write_section
from bench.exact_report import Outcome, verdict
from bench.timeline import CLI, _env, library

SECTION = "## Side by side with Olaf (issue 23)"
# Olaf's own default extensions, and Opus (part of the corpus; its ffmpeg decodes it).
OLAF_EXTENSIONS = [
    *(".m4a", ".wav", ".mp4", ".wv", ".ape", ".ogg", ".mp3", ".raw", ".flac", ".wma"),
    ".opus",
]


@dataclass(frozen=True, slots=True)
class Run:
    wall: float
    cpu: float
    peak_rss_mb: float
    stdout: str
    server_cpu: float = 0.0  # the embedded Postgres's, outside the command's process tree


class ServerCpu:
    """CPU of the embedded Postgres under `data_dir` while a command runs. The command
    starts it and it stops with the command, but it is not the command's child (it is
    daemonised), so wait4 misses it: its postmaster (its own and its reaped backends' CPU)
    and live backends are sampled every 50 ms, and the last sample per server is kept."""

    def __init__(self, data_dir: Path) -> None:
        self._pid_file = data_dir / "postmaster.pid"
        self._seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> ServerCpu:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def seconds(self) -> float:
        return sum(self._seen.values())

    def _watch(self) -> None:
        while not self._stop.wait(0.05):
            try:
                pid = int(self._pid_file.read_text().split()[0])
                server = psutil.Process(pid)
                own = server.cpu_times()
                total = own.user + own.system + own.children_user + own.children_system
                for backend in server.children(recursive=True):
                    times = backend.cpu_times()
                    total += times.user + times.system
            except (OSError, ValueError, IndexError, psutil.Error):
                continue  # not started yet, or gone
            self._seen[pid] = max(total, self._seen.get(pid, 0.0))


def timed(
    command: list[str], env: dict[str, str], cwd: Path | None = None, server: Path | None = None
) -> Run:
    """Run `command` to its end: wall, CPU of its whole tree, peak RSS of its largest process
    and, given its embedded Postgres's folder, that server's CPU."""
    with tempfile.TemporaryFile("w+") as out, ServerCpu(server or Path("/nonexistent")) as pg:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        # wait4's usage covers the child and every descendant it waited for (ffmpeg children).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        stdout = out.read()
    if process.returncode not in (0, 1):  # 1: some file failed, which the scoring counts
        raise RuntimeError(f"{command[:3]} exited with {process.returncode}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, stdout, pg.seconds)


PACKAGES = ("domain", "application", "adapters", "entrypoints", "migrations")


def compiled(checkout: Path) -> None:
    """Bytecode for the checkout's packages (__pycache__, ignored by git)."""
    folders = [str(checkout / name) for name in PACKAGES if (checkout / name).is_dir()]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True)


def olaf_env(work: Path) -> dict[str, str]:
    """An environment whose HOME holds a fresh Olaf configuration and database."""
    home = work / "olaf"
    config = {
        "db_folder": f"{home}/db/",
        "cache_folder": f"{home}/cache/",
        "allowed_audio_file_extensions": OLAF_EXTENSIONS,
    }
    (home / ".olaf").mkdir(parents=True, exist_ok=True)
    (home / ".olaf" / "olaf_config.json").write_text(json.dumps(config))
    return {**os.environ, "HOME": str(home)}


def olaf_store(olaf: str, corpus: Path, work: Path) -> Run | None:
    """Store the tracks in Olaf's database once; the run when it was made now."""
    if (work / "olaf" / "db" / "data.mdb").exists():
        return None
    tracks = sorted(str(p) for p in (corpus / "tracks").rglob("*") if p.is_file())
    return timed([olaf, "store", *tracks], olaf_env(work))


def ours_store(corpus: Path, work: Path) -> tuple[dict[str, str], Run | None]:
    """Track id -> corpus name; the ingest's run when the library was made now."""
    if (work / "library" / "names.json").exists():
        return library(corpus, work), None
    before = os.times()
    started = time.perf_counter()
    names = library(corpus, work)
    after = os.times()
    cpu = (after.children_user + after.children_system) - (
        before.children_user + before.children_system
    )
    return names, Run(time.perf_counter() - started, cpu, 0.0, "")


def ours_answers(stdout: str, names: dict[str, str]) -> dict[str, tuple[str | None, float | None]]:
    """Query path -> (top track's corpus name, offset) from `identify --json` lines."""
    answers: dict[str, tuple[str | None, float | None]] = {}
    for line in stdout.splitlines():
        record = json.loads(line)
        top = record["exact_matches"][0] if record["exact_matches"] else None
        answers[record["file"]] = (
            (names[top["track_id"]], top["offset_seconds"]) if top else (None, None)
        )
    return answers


def olaf_answers(stdout: str, tracks: Path) -> dict[str, tuple[str | None, float | None]]:
    """Query path -> (top match's corpus name, offset) from `olaf query --format json`."""
    decoder, position, answers = json.JSONDecoder(), 0, {}
    while position < len(stdout):
        if stdout[position].isspace():
            position += 1
            continue
        record, position = decoder.raw_decode(stdout, position)
        matches = record["matches"]
        top = max(matches, key=lambda m: m["match_count"]) if matches else None
        answers[record["query_path"]] = (
            (
                Path(top["path"]).relative_to(tracks).as_posix(),
                top["reference_start"] - top["query_start"],
            )
            if top
            else (None, None)
        )
    return answers


def score(rows: list[dict], folder: Path, answers, near) -> tuple[int, int, int, int]:
    """(right, positives, false positives, negatives)."""
    right = positives = fp = negatives = 0
    for row in rows:
        answer, offset = answers.get(str(folder / row["query"]), (None, None))
        said = verdict(Outcome(row, answer, offset, None, 0.0), near)
        positives += row["true_track"] is not None
        negatives += row["true_track"] is None
        right += said == "right"
        fp += said == "fp"
    return right, positives, fp, negatives


def render(
    results: dict[str, list[tuple[Run, tuple[int, int, int, int]]]],
    stores: dict[str, Run | None],
    audio_s: float,
    queries: int,
    args: argparse.Namespace,
    baseline: str | None,
) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        SECTION,
        "",
        f"`bench/peers.py`, {now}, {platform.machine()} {os.cpu_count()}-core VM "
        f"({platform.platform()}), load average at the end {load}; corpus {args.corpus} "
        f"({queries} queries, tracks {audio_s / 3600:.2f} h); medians of {args.runs} runs each, "
        "alternating. CPU is user + system of the command's process tree (decoder children "
        "included); the embedded Postgres that our command starts and stops is outside that "
        "tree: its CPU (sampled, see ServerCpu) is the next column, and the ratio counts it. "
        "Peak RSS is the tree's largest process's. Our checkouts' bytecode is compiled "
        "first, as an installed package's is.",
        "",
        f"    .venv/bin/python -m bench.peers --olaf {args.olaf} --runs {args.runs}"
        + (f" --baseline {args.baseline}" if args.baseline else ""),
        "",
        "| system | command | wall s | CPU s | + its Postgres s | CPU ms/query (with it) "
        "| peak RSS MB | recall | false pos. |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    cpus = {}
    for name, runs in results.items():
        wall = statistics.median(r.wall for r, _ in runs)
        cpu = statistics.median(r.cpu for r, _ in runs)
        server = statistics.median(r.server_cpu for r, _ in runs)
        both = cpus[name] = statistics.median(r.cpu + r.server_cpu for r, _ in runs)
        rss = statistics.median(r.peak_rss_mb for r, _ in runs)
        right, positives, fp, negatives = runs[0][1]
        lines.append(
            f"| {name} | `{COMMANDS.get(name, COMMANDS['audio-ident'])}` | {wall:.2f} | "
            f"{cpu:.2f} | {'–' if name.startswith('Olaf') else f'{server:.2f}'} | "
            f"{1000 * both / queries:.1f} | {rss:.0f} | "
            f"{100 * right / positives:.1f} % ({right}/{positives}) | "
            f"{100 * fp / negatives:.1f} % ({fp}/{negatives}) |"
        )
    ours, olaf = cpus.get("audio-ident"), cpus.get("Olaf")
    if ours and olaf:
        lines += ["", f"CPU (with its Postgres) ours / Olaf's: {ours / olaf:.2f} (target ≤ 0.33)."]
        if baseline in cpus:
            lines[-1] += f" {baseline}: {cpus[baseline] / olaf:.2f}."
    for name, run in stores.items():
        if run is not None:
            lines.append(
                f"Store ({name}, made in this run): {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
                f"{audio_s / run.cpu:.0f}x real time per core including decode."
            )
    return "\n".join(lines) + "\n"


COMMANDS = {
    "audio-ident": "audio-ident identify --mode exact --json FILES",
    "Olaf": "olaf query --format json FILES",
    "Olaf, 2 threads": "olaf query --threads 2 --format json FILES",
}


def main() -> None:
    parser = argparse.ArgumentParser(description="CLI batch side by side with Olaf")
    parser.add_argument("--olaf", required=True, help="Olaf's CLI, built from its source")
    parser.add_argument("--corpus", type=Path, default=Path("/var/tmp/audio-ident-unseen"))
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/audio-ident-peers"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout whose identify runs too")
    parser.add_argument("--write", type=Path, help="replace this report's section there")
    args = parser.parse_args()

    folder = args.corpus / "queries"
    rows = _manifest(folder, quick=False)
    files = [str(folder / row["query"]) for row in rows]
    near = json.loads((args.corpus / "near_duplicates.json").read_text())
    listing = json.loads((args.corpus / "listing.json").read_text())
    audio_s = sum(entry["seconds"] for entry in listing)
    args.work.mkdir(parents=True, exist_ok=True)
    names, ours_made = ours_store(args.corpus, args.work)
    stores = {
        "audio-ident ingest": ours_made,
        "olaf store": olaf_store(args.olaf, args.corpus, args.work),
    }
    identify = [*CLI, "identify", "--mode", "exact", "--json", *files]
    commands: dict[str, tuple[list[str], dict[str, str], Path | None]] = {
        "audio-ident": (identify, _env(args.work), None),
        "Olaf": ([args.olaf, "query", "--format", "json", *files], olaf_env(args.work), None),
        "Olaf, 2 threads": (
            [args.olaf, "query", "--threads", "2", "--format", "json", *files],
            olaf_env(args.work),
            None,
        ),
    }
    baseline = None
    if args.baseline:
        # -m finds the package in the working directory first: the checkout's code runs.
        commit = subprocess.run(
            ["git", "-C", str(args.baseline), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        baseline = f"audio-ident at {commit}"
        commands[baseline] = (identify, _env(args.work), args.baseline)
    compiled(Path(__file__).resolve().parents[1])
    if args.baseline:
        compiled(args.baseline)
    results: dict[str, list[tuple[Run, tuple[int, int, int, int]]]] = {n: [] for n in commands}
    for attempt in range(args.runs):
        for name, (command, env, cwd) in commands.items():
            server = None if name.startswith("Olaf") else args.work / "library" / "postgres"
            run = timed(command, env, cwd, server)
            answers = (
                olaf_answers(run.stdout, args.corpus / "tracks")
                if name.startswith("Olaf")
                else ours_answers(run.stdout, names)
            )
            results[name].append((run, score(rows, folder, answers, near)))
            print(
                f"run {attempt + 1} {name}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU "
                f"+ {run.server_cpu:.1f} s its Postgres",
                flush=True,
            )
    report = render(results, stores, audio_s, len(rows), args, baseline)
    print(report)
    if args.write:
        write_section(args.write, report, SECTION)


if __name__ == "__main__":
    main()

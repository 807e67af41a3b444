"""Load and soak: mixed traffic against a local `audio-ident serve`, bounded and self-stopping.

    .venv/bin/python -m bench.load [--clients 1,4,16,64] [--requests 300] [--seconds 60]
                                   [--soak-seconds 600] [--unbounded] [--write bench/RESULTS.md]
    .venv/bin/python -m bench.load --polite [--clients 64] [--searches 3] [--max-tries 10]

Starts `serve` on 127.0.0.1 (embedded Postgres, LMDB, embedded Qdrant; storage under
bench/out/load/, kept between runs), ingests the dev corpus's reference tracks over HTTP
(reruns find them as duplicates) and waits for both projections. Then, per number of
concurrent clients, at most `--requests` requests or `--seconds` seconds of mixed traffic:
clip search 80 % (manifest queries), text search 10 %, track pages and audio ranges 8 %,
admin ingest 2 % (the corpus's negatives: new the first time, duplicates after). Clients
honour Retry-After on 503, as HTTP asks (`--ignore-retry-after` hammers instead). A probe
asks `/health` and `/health/ready` every 100 ms throughout, from a process of its own
(bench/health_probe.py). `--unbounded` sets the CPU
queue out of reach, to see the service without backpressure.

`--polite` runs the polite-client mode instead (bench/polite.py): one client alone, then
`--clients` (default 64) clients at once, each sending `--searches` clip searches and
retrying a refused one after its Retry-After, at most `--max-tries` tries.

The soak runs `--soak-seconds` at 4 clients and samples the serve process: RSS against the
request count (the slope in MB per 1,000 requests), open file descriptors, child
processes (ffmpeg and the rest) and upload spool folders, at the start and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from bench import polite
from bench.health_probe import HealthProbe
from bench.http_api import (
    ROOT,
    Server,
    _admin_token,
    ingest,
    load_queries,
    serve_env,
    write_section,
)

OUT = ROOT / "bench" / "out" / "load"
SECTION = "## Load and soak"
MIX = (("clip", 80), ("text", 10), ("browse", 8), ("ingest", 2))
TEXTS = ("a calm piano with rain", "distorted guitars, fast drums", "an orchestra swelling")


@dataclass(slots=True)
class Cell:
    clients: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)  # admitted, by operation
    statuses: Counter[int] = field(default_factory=Counter)
    refused_ms: list[float] = field(default_factory=list)  # 503 answers
    errors: Counter[str] = field(default_factory=Counter)  # transport failures
    health_ms: dict[str, list[float]] = field(default_factory=dict)

    @property
    def admitted(self) -> list[float]:
        return sorted(ms for values in self.latencies.values() for ms in values)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Traffic:
    """What the clients send: the mix above, drawn from a seeded generator."""

    def __init__(self, corpus: Path, token: str, track_ids: list[str]) -> None:
        self.queries = load_queries(corpus, 300)
        negatives = sorted(p for p in (corpus / "negatives").rglob("*") if p.is_file())
        self.negatives = [(p.name, p.read_bytes()) for p in negatives]
        self.admin = {"Authorization": f"Bearer {token}"}
        self.track_ids = track_ids
        self.random = random.Random(13)
        self._names = [name for name, _ in MIX]
        self._weights = [weight for _, weight in MIX]

    def pick(self) -> str:
        return self.random.choices(self._names, self._weights)[0]

    async def send(self, client: httpx.AsyncClient, kind: str) -> httpx.Response:
        pick = self.random
        if kind == "clip":
            name, data = pick.choice(self.queries)
            form = {"mode": "both", "max_results": "5"}
            return await client.post("/api/v1/search", files=[("audio", (name, data))], data=form)
        if kind == "text":
            body = {"text": pick.choice(TEXTS), "max_results": 5}
            return await client.post("/api/v1/search/text", json=body)
        if kind == "browse":
            track = pick.choice(self.track_ids)
            which = pick.randrange(3)
            if which == 0:
                return await client.get("/api/v1/tracks", params={"page_size": "20"})
            if which == 1:
                return await client.get(f"/api/v1/tracks/{track}")
            ranged = {
                "Range": f"bytes={pick.randrange(100_000)}-{pick.randrange(100_000, 400_000)}"
            }
            return await client.get(f"/api/v1/tracks/{track}/audio", headers=ranged)
        name, data = pick.choice(self.negatives)
        return await client.post(
            "/api/v1/ingest", files=[("files", (name, data))], headers=self.admin
        )


async def run_cell(
    server: Server, traffic: Traffic, clients: int, requests: int, seconds: float, honour: bool
) -> Cell:
    cell = Cell(clients)
    issued = 0
    limits = httpx.Limits(max_connections=clients + 1, max_keepalive_connections=clients + 1)

    async def one_client(client: httpx.AsyncClient, stop_at: float) -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < stop_at:
            issued += 1
            kind = traffic.pick()
            sent = time.perf_counter()
            try:
                response = await traffic.send(client, kind)
            except httpx.HTTPError as error:
                cell.errors[type(error).__name__] += 1
                continue
            ms = (time.perf_counter() - sent) * 1000
            cell.statuses[response.status_code] += 1
            if response.status_code == 503:
                cell.refused_ms.append(ms)
                if honour:
                    await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            else:
                cell.latencies.setdefault(kind, []).append(ms)

    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        await traffic.send(client, "clip")  # warm-up, not counted
        probe = HealthProbe(server.url)
        probe.start()
        started = time.perf_counter()
        await asyncio.gather(*(one_client(client, started + seconds) for _ in range(clients)))
        cell.seconds = time.perf_counter() - started
        cell.health_ms, probe_errors = await asyncio.to_thread(probe.stop)
        cell.errors.update(probe_errors)
    return cell


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    requests: int
    rss_mb: float
    anon_mb: float  # the heap: what a leak grows (the rest is mapped files: LMDB, Qdrant)
    fds: int
    children: tuple[str, ...]
    spools: int
    fd_targets: tuple[str, ...] = ()  # what each open descriptor points at


def fd_targets(pid: int) -> tuple[str, ...]:
    """Each open descriptor's target (`ls -l /proc/PID/fd`): sockets by kind, not inode."""
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed while listing
        found.append("socket" if target.startswith("socket:") else target)
    return tuple(sorted(found))


def socket_kinds(pid: int) -> list[str]:
    """The serve process's sockets: unix or TCP, and the peer (for the fd table)."""
    kinds = []
    for conn in psutil.Process(pid).net_connections(kind="all"):
        peer = conn.raddr if conn.raddr else "-"
        kinds.append(f"{conn.family.name}/{conn.type.name} {conn.status} -> {peer}")
    return sorted(kinds)


def sample(pid: int, requests: int) -> Sample:
    process = psutil.Process(pid)
    children = tuple(sorted(child.name() for child in process.children(recursive=True)))
    spools = len(list(Path(tempfile.gettempdir()).glob("audio-ident-upload-*")))
    rss = process.memory_info().rss / 2**20
    status = Path(f"/proc/{pid}/status").read_text()
    anon = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("RssAnon"))
    return Sample(
        time.time(), requests, rss, anon / 1024, process.num_fds(), children, spools,
        fd_targets(pid),
    )  # fmt: skip


async def soak(
    server: Server, traffic: Traffic, seconds: float, honour: bool
) -> tuple[Cell, list[Sample]]:
    assert server.pid is not None
    samples = [sample(server.pid, 0)]
    total = Cell(4)
    done = asyncio.Event()

    async def sampler() -> None:
        while not done.is_set():
            await asyncio.sleep(15)
            samples.append(sample(server.pid or 0, total.requests))

    watcher = asyncio.create_task(sampler())
    stop_at = time.perf_counter() + seconds
    while (left := stop_at - time.perf_counter()) > 1:
        part = await run_cell(server, traffic, 4, 10**9, min(60.0, left), honour)
        for kind, values in part.latencies.items():
            total.latencies.setdefault(kind, []).extend(values)
        total.statuses.update(part.statuses)
        total.errors.update(part.errors)
        total.refused_ms += part.refused_ms
        for path, values in part.health_ms.items():
            total.health_ms.setdefault(path, []).extend(values)
        total.seconds += part.seconds
    done.set()
    await watcher
    await asyncio.sleep(5)  # let the last responses' children and spools go
    samples.append(sample(server.pid, total.requests))
    for name, at in (("start", samples[0]), ("end", samples[-1])):
        print(f"fds at the {name}: {at.fd_targets}", flush=True)
    print(f"sockets at the end: {socket_kinds(server.pid)}", flush=True)
    return total, samples


def slope_mb_per_1000(samples: list[Sample], anon: bool = False) -> float:
    """Least-squares slope of RSS (or its anonymous part) over requests, past the first
    sample (warm-up)."""
    points = [(s.requests, s.anon_mb if anon else s.rss_mb) for s in samples[1:]]
    if len(points) < 2:
        return float("nan")
    xs, ys = zip(*points, strict=True)
    return statistics.linear_regression(xs, ys).slope * 1000


def cell_row(cell: Cell) -> str:
    admitted = cell.admitted
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(cell.statuses.items()))
    failures = ", ".join(f"{k}: {v}" for k, v in sorted(cell.errors.items())) or "0"
    health = cell.health_ms.get("/health", [])
    ready = cell.health_ms.get("/health/ready", [])
    throughput = len(admitted) / cell.seconds if cell.seconds else 0.0
    return (
        f"| {cell.clients} | {cell.requests} | {cell.seconds:.0f} | {throughput:.1f} | "
        f"{percentile(admitted, 0.5):.0f} | {percentile(admitted, 0.95):.0f} | "
        f"{percentile(admitted, 0.99):.0f} | {percentile(cell.refused_ms, 0.5):.0f} | "
        f"{statuses} | {failures} | {percentile(health, 0.95):.0f} / {max(health, default=0):.0f} "
        f"| {percentile(ready, 0.95):.0f} / {max(ready, default=0):.0f} |"
    )


CELL_HEADER = [
    "| clients | requests | s | admitted/s | p50 ms | p95 ms | p99 ms | 503 p50 ms | statuses "
    "| transport errors | /health p95 / max ms | /health/ready p95 / max ms |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
]


def render(cells: list[Cell], soaked: tuple[Cell, list[Sample]] | None, notes: list[str]) -> str:
    lines = [SECTION, "", *notes, "", *CELL_HEADER, *(cell_row(c) for c in cells), ""]
    if cells:
        lines += ["Admitted latency by operation (p50 / p99 ms):", ""]
        for cell in cells:
            parts = [
                f"{kind} {percentile(v, 0.5):.0f} / {percentile(v, 0.99):.0f} ({len(v)})"
                for kind, v in sorted(cell.latencies.items())
            ]
            lines.append(f"- {cell.clients} clients: " + "; ".join(parts))
        lines.append("")
    if soaked is not None:
        cell, samples = soaked
        first, last = samples[0], samples[-1]
        lines += [
            "Soak (4 clients):",
            "",
            *CELL_HEADER,
            cell_row(cell),
            "",
            "| when | requests | RSS MB | of it anonymous MB | open fds | children "
            "| upload spools |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, s in (("start", first), ("end", last)):
            kids = ", ".join(f"{n} ×{c}" for n, c in sorted(Counter(s.children).items())) or "none"
            lines.append(
                f"| {name} | {s.requests} | {s.rss_mb:.0f} | {s.anon_mb:.0f} | {s.fds} | {kids} "
                f"| {s.spools} |"
            )
        peak = max(s.rss_mb for s in samples)
        gained = Counter(last.fd_targets) - Counter(first.fd_targets)
        lost = Counter(first.fd_targets) - Counter(last.fd_targets)
        fd_counts = [len(s.fd_targets) for s in samples]
        lines += [
            "",
            f"Open descriptors over the soak: min {min(fd_counts)}, max {max(fd_counts)}; "
            f"at the end, more: {dict(gained) or 'none'}; fewer: {dict(lost) or 'none'}.",
        ]
        lines += [
            "",
            f"RSS slope {slope_mb_per_1000(samples):+.2f} MB per 1,000 requests, of which "
            f"anonymous memory {slope_mb_per_1000(samples, anon=True):+.2f} "
            f"({len(samples)} samples, peak RSS {peak:.0f} MB); over the second half "
            f"{slope_mb_per_1000(samples[len(samples) // 2 :]):+.2f}, anonymous "
            f"{slope_mb_per_1000(samples[len(samples) // 2 :], anon=True):+.2f} "
            "(a warm-up flattens by then; a leak keeps its slope).",
            "",
        ]
    return "\n".join(lines)


def machine() -> str:
    """The CPU model and how many cores, for the report."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    return f"{models[0] if models else 'unknown CPU'}, {os.cpu_count()} cores"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process and its children so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system + times.children_user + times.children_system


async def run_polite(
    args: argparse.Namespace, server: Server, queries: list[tuple[str, bytes]]
) -> str:
    """One client alone, then each number of polite clients; the report's subsection."""
    assert server.pid is not None
    rows, notes = [], []
    clients = args.clients or [64]
    served, wall = cpu_seconds(server.pid), time.perf_counter()
    solo = await polite.solo_run(server.url, queries, args.solo)
    served, wall = cpu_seconds(server.pid) - served, time.perf_counter() - wall
    notes += [f"One client alone: wall {wall:.1f} s; CPU: serve {served:.1f} s.", ""]
    print(polite.solo_row(solo), flush=True)
    for count in clients:
        served, mine, wall = cpu_seconds(server.pid), time.process_time(), time.perf_counter()
        run = await polite.polite_run(server.url, queries, count, args.searches, args.max_tries)
        served, mine = cpu_seconds(server.pid) - served, time.process_time() - mine
        wall = time.perf_counter() - wall
        rows.append(polite.polite_row(run, solo))
        print(rows[-1], flush=True)
        notes += [
            f"{count} clients: wall {wall:.1f} s; CPU: serve {served:.1f} s, the clients "
            f"{mine:.1f} s (of {os.cpu_count()} cores × {wall:.1f} s = "
            f"{(os.cpu_count() or 1) * wall:.0f} core-seconds).",
            "",
            *polite.verdicts(run, solo),
            "",
        ]
    load = os.getloadavg()
    return "\n".join(
        [
            f"### Polite clients, {time.strftime('%Y-%m-%d %H:%M')} UTC",
            "",
            "    .venv/bin/python -m bench.load " + " ".join(sys.argv[1:]),
            "",
            f"Machine: {machine()}, shared by the clients, the server and other work (load "
            f"average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}). Each client "
            f"sends {args.searches} clip searches (`mode=both`, 5-10 s WAV) one after "
            f"another, a connection per try (`Connection: close`), and retries a 503 "
            f"after its Retry-After, at most {args.max_tries} tries; a transport error is "
            "retried after 1 s.",
            "",
            *polite.solo_header(),
            polite.solo_row(solo),
            "",
            *polite.polite_header(),
            *rows,
            "",
            *notes,
        ]
    )


async def library_holds(server: Server, corpus: Path) -> bool:
    """The kept storage holds the corpus already, indexed (searches need no track ids, so
    the polite mode skips uploading it all again to find duplicates)."""
    tracks = sum(1 for p in (corpus / "tracks").rglob("*") if p.is_file())
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        listed = (await client.get("/api/v1/tracks", params={"page_size": "1"})).json()
        ready = (await client.get("/health/ready")).json()
    caught_up = all(p["lag_events"] == 0 for p in ready["projections"].values())
    return listed["total"] >= tracks and caught_up


def write_subsection(path: Path, text: str) -> None:
    """Put a polite run's subsection first among the section's runs (the others stay)."""
    whole = path.read_text()
    start = whole.index(SECTION + "\n")
    first_run = whole.find("\n### ", start)
    at = first_run + 1 if first_run != -1 else len(whole)
    path.write_text(whole[:at] + text.rstrip("\n") + "\n\n" + whole[at:])


async def run(args: argparse.Namespace) -> str:
    corpus = Path(args.corpus)
    env, note = serve_env(OUT / "storage", args.model)
    if args.unbounded:
        env.update(CPU_JOBS="1024", CPU_QUEUE="100000", CPU_QUEUE_SECONDS="4")
    server = Server(env, OUT)
    server.start()
    try:
        token = _admin_token(server, env)
        if args.polite and await library_holds(server, corpus):
            return await run_polite(args, server, load_queries(corpus, 300))
        began = time.perf_counter()
        ids, new = await ingest(server, token, corpus)
        print(f"{len(ids)} tracks ({new} new) ready in {time.perf_counter() - began:.0f} s")
        if args.polite:
            return await run_polite(args, server, load_queries(corpus, 300))
        traffic = Traffic(corpus, token, ids)
        honour = not args.ignore_retry_after
        cells = []
        for clients in args.clients or [1, 4, 16, 64]:
            cell = await run_cell(server, traffic, clients, args.requests, args.seconds, honour)
            print(cell_row(cell), flush=True)
            cells.append(cell)
        soaked = None
        if args.soak_seconds > 0:
            soaked = await soak(server, traffic, args.soak_seconds, honour)
            print(render([], soaked, []), flush=True)
    finally:
        server.stop()
    load = os.getloadavg()
    admission = "CPU admission at its defaults (CPU_JOBS = cores - 1, CPU_QUEUE = CPU_JOBS)"
    notes = [
        f"`python -m bench.load {' '.join(sys.argv[1:])}` on {time.strftime('%Y-%m-%d %H:%M')} "
        f"UTC, {os.cpu_count()} cores shared by client, server and other work (load average "
        f"at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}); {len(ids)} corpus tracks; "
        f"vibe lane: {note}. Clients {'ignore' if args.ignore_retry_after else 'honour'} "
        f"Retry-After; {'CPU queue out of reach (--unbounded)' if args.unbounded else admission}. "
        "Latencies are of admitted (non-503) requests.",
    ]
    return render(cells, soaked, notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    default_corpus = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    parser.add_argument("--corpus", default=default_corpus)
    parser.add_argument(
        "--clients", type=lambda s: [int(x) for x in s.split(",")], default=None,
        help="default 1,4,16,64 (mixed traffic), 64 (--polite)",
    )  # fmt: skip
    parser.add_argument("--polite", action="store_true", help="polite clients (bench/polite.py)")
    parser.add_argument("--searches", type=int, default=3, help="--polite: per client")
    parser.add_argument("--max-tries", type=int, default=10, help="--polite: per search")
    parser.add_argument("--solo", type=int, default=48, help="--polite: one client's searches")
    parser.add_argument("--requests", type=int, default=300, help="per cell, at most")
    parser.add_argument("--seconds", type=float, default=60, help="per cell, at most")
    parser.add_argument("--soak-seconds", type=float, default=0)
    parser.add_argument("--unbounded", action="store_true", help="no backpressure (comparison)")
    parser.add_argument("--ignore-retry-after", action="store_true")
    parser.add_argument("--model", default="tiny", help="CLAP id or path; default the tiny one")
    parser.add_argument("--write", type=Path, default=None, help="append/replace the section")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    print(report)
    if args.write and args.polite:
        write_subsection(args.write, report)
    elif args.write:
        write_section(args.write, report, SECTION)


if __name__ == "__main__":
    main()

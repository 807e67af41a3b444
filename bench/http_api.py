"""HTTP benchmark: /api/v1/search throughput and latency against a local `audio-ident serve`.

    .venv/bin/python -m bench.http_api [--corpus DIR] [--requests 48] [--seconds 20]
                                   [--model PATH|tiny] [--write bench/RESULTS.md]

Starts `audio-ident serve` on 127.0.0.1 (a free port) over its own storage under
bench/out/http/ (embedded Postgres, LMDB, embedded Qdrant), creates an admin, ingests the
corpus's reference tracks through POST /api/v1/ingest (reruns find them as duplicates),
waits for both projections, then sends manifest queries to /api/v1/search in mode exact
and both with 1, 4 and 16 concurrent clients. Each cell is bounded by `--requests` and
`--seconds`. Reports requests/s, p50 and p95 latency, and non-200 answers.

The full CLAP model is used when it loads offline (EMBEDDING_MODEL or --model); otherwise
"both" runs with the tests' tiny random CLAP, which says nothing about CLAP's own cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "http"
PASSWORD = "bench-password-123"
SECTION = "## HTTP"
CONCURRENCY = (1, 4, 16)
MODES = ("exact", "both")


@dataclass(frozen=True, slots=True)
class Cell:
    mode: str
    clients: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    failures: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _model(choice: str | None) -> tuple[str, str, str]:
    """(EMBEDDING_MODEL, EMBEDDING_DIM, a note for the report)."""
    wanted = choice or os.environ.get("EMBEDDING_MODEL") or "laion/larger_clap_music_and_speech"
    if wanted != "tiny":
        probe = [sys.executable, "-c", _PROBE, wanted]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
        done = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=600)
        if done.returncode == 0:
            return wanted, done.stdout.strip(), f"CLAP `{wanted}`"
    from tests.support.tiny_clap import TINY_DIMENSION, build_tiny_clap

    folder = OUT / "tiny-clap"
    if not (folder / "config.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        build_tiny_clap(folder)
    note = (
        "the tests' tiny random CLAP (the full model's weights are not available offline, "
        "so 'both' measures the pipeline, not CLAP inference)"
    )
    return str(folder), str(TINY_DIMENSION), note


_PROBE = """
import sys
from adapters.clap.loader import load_embedder
embedder = load_embedder(sys.argv[1], 1)
print(embedder.dimension)
"""


class Server:
    def __init__(self, env: dict[str, str], out: Path = OUT) -> None:
        self.port = _free_port()
        self._out = out
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = env
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._out.mkdir(parents=True, exist_ok=True)
        log = (self._out / "serve.log").open("ab")
        command = [sys.executable, "-m", "entrypoints.cli.main", "--log-level", "WARNING"]
        self._process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--poll", "1"],
            env=self._env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise SystemExit(f"serve exited; see {self._out / 'serve.log'}")
            try:
                if httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise SystemExit("serve did not become ready within 300 s")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            self._process.wait(timeout=60)


def _admin_token(server: Server, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "entrypoints.cli.main", "users", "create", "bench"]
    subprocess.run(
        [*command, "--admin", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )  # fails harmlessly when the account exists from an earlier run
    form = {"username": "bench", "password": PASSWORD}
    response = httpx.post(f"{server.url}/api/v1/auth/token", data=form, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


async def ingest(server: Server, token: str, corpus: Path) -> tuple[list[str], int]:
    """The track ids of the corpus's reference tracks, and how many were new."""
    tracks = sorted(p for p in (corpus / "tracks").rglob("*") if p.is_file())
    ids: list[str] = []
    new = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.url, timeout=600, headers=headers) as client:
        for path in tracks:
            files = [("files", (path.name, path.read_bytes()))]
            answer = (await client.post("/api/v1/ingest", files=files)).json()["files"][0]
            new += answer["status"] == "ingested"
            if answer["track_id"]:
                ids.append(answer["track_id"])
        # Indexing goes on in the projectors; the bench measures searches on a full index.
        while True:
            ready = (await client.get("/health/ready")).json()
            if all(p["lag_events"] == 0 for p in ready["projections"].values()):
                break
            await asyncio.sleep(2)
    return ids, new


def load_queries(corpus: Path, limit: int) -> list[tuple[str, bytes]]:
    manifest = corpus / "queries" / "manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    folder = manifest.parent  # query paths are relative to the manifest
    return [(Path(r["query"]).name, (folder / r["query"]).read_bytes()) for r in rows[:limit]]


async def measure(
    server: Server,
    queries: list[tuple[str, bytes]],
    mode: str,
    clients: int,
    args: argparse.Namespace,
) -> Cell:
    latencies: list[float] = []
    failures = 0
    issued = 0
    started = time.perf_counter()
    stop_at = started + args.seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal issued, failures
        while issued < args.requests and time.perf_counter() < stop_at:
            name, data = queries[issued % len(queries)]
            issued += 1
            sent = time.perf_counter()
            response = await client.post(
                "/api/v1/search",
                files=[("audio", (name, data))],
                data={"mode": mode, "max_results": "5"},
            )
            latencies.append((time.perf_counter() - sent) * 1000)
            failures += response.status_code != 200

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=server.url, timeout=120, limits=limits) as client:
        await client.post(  # warm-up, not counted
            "/api/v1/search", files=[("audio", queries[0])], data={"mode": mode}
        )
        started = time.perf_counter()
        stop_at = started + args.seconds
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return Cell(mode, clients, len(latencies), elapsed, statistics.median(ordered), p95, failures)


def render(
    cells: list[Cell], note: str, tracks: tuple[int, int], queries: int, seconds: float
) -> str:
    total, new = tracks
    lines = [
        SECTION,
        "",
        f"`bench/http_api.py`: `audio-ident serve` on 127.0.0.1 (projectors in-process, idle), "
        f"{total} corpus tracks ingested over HTTP ({new} new in this run: upload, ingest "
        f"and indexing took {seconds:.0f} s), {queries} manifest queries (5-10 s WAV clips) "
        f"cycled; client and server share the machine ({os.cpu_count()} cores). "
        f"Vibe lane: {note}.",
        "",
        "| mode | clients | requests | req/s | p50 ms | p95 ms | non-200 |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        lines.append(
            f"| {c.mode} | {c.clients} | {c.requests} | {c.per_second:.1f} | "
            f"{c.p50_ms:.0f} | {c.p95_ms:.0f} | {c.failures} |"
        )
    lines += [
        "",
        "Targets: p95 ≤ 100 ms for exact with 1 client, ≤ 300 ms for both.",
        "",
    ]
    return "\n".join(lines)


def write_section(path: Path, section: str, heading: str = SECTION) -> None:
    """Replace a benchmark's section (up to the next `## `) or append it; others stay."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    start = text.find(heading + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    path.write_text(text)


def serve_env(storage: Path, model: str | None) -> tuple[dict[str, str], str]:
    """The environment of a bench `serve` on the embedded stores under `storage`, and a
    note on the CLAP model it runs."""
    model_path, dimension, note = _model(model)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    env.update(
        AUDIO_STORAGE_ROOT=str(storage),
        EMBEDDING_MODEL=model_path,
        EMBEDDING_DIM=dimension,
        JWT_SECRET="bench-secret-bench-secret-bench-secret",
        INGEST_MAX_UPLOAD_MB="200",
        HF_HUB_OFFLINE="1",
    )
    return env, note


async def run(args: argparse.Namespace) -> str:
    corpus = Path(args.corpus)
    env, note = serve_env(OUT / "storage", args.model)
    server = Server(env)
    server.start()
    try:
        token = _admin_token(server, env)
        began = time.perf_counter()
        ids, new = await ingest(server, token, corpus)
        tracks = len(ids)
        indexing = time.perf_counter() - began
        print(f"{tracks} tracks ({new} new) indexed in {indexing:.0f} s", file=sys.stderr)
        queries = load_queries(corpus, args.queries)
        cells = []
        for mode in MODES:
            for clients in CONCURRENCY:
                cell = await measure(server, queries, mode, clients, args)
                print(cell, file=sys.stderr)
                cells.append(cell)
    finally:
        server.stop()
    return render(cells, note, (tracks, new), len(queries), indexing)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    default_corpus = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    parser.add_argument("--corpus", default=default_corpus)
    parser.add_argument("--requests", type=int, default=48, help="per cell, at most")
    parser.add_argument("--seconds", type=float, default=20, help="per cell, at most")
    parser.add_argument("--queries", type=int, default=48, help="manifest queries to cycle")
    parser.add_argument("--model", default=None, help="CLAP id or path; 'tiny' forces the tiny one")
    parser.add_argument("--write", type=Path, default=None, help="append/replace the HTTP section")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    print(report)
    if args.write:
        write_section(args.write, report)


if __name__ == "__main__":
    main()

"""Heap of a fresh `serve` as new long tracks are ingested one by one.

    .venv/bin/python -m bench.memory_ingest [--tracks 12] [--corpus DIR] [--env NAME=VALUE ...]

Starts `serve` on empty embedded stores (under bench/out/memory/, removed after), ingests
the corpus's negatives (long tracks) one at a time, waits for both projections after
each, and prints the process's anonymous RSS (the heap; the indexes' files are mapped and
not counted) at the start and after each track. `--env MALLOC_MMAP_THRESHOLD_=...` runs
`serve` with that environment added (for comparisons). Bounded: `--tracks` files.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
from pathlib import Path

import httpx

from bench.http_api import ROOT, Server, _admin_token, serve_env

OUT = ROOT / "bench" / "out" / "memory"


def anonymous_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon"):
            return int(line.split()[1]) // 1024
    raise RuntimeError("no RssAnon in /proc")


async def caught_up(client: httpx.AsyncClient) -> None:
    while True:
        body = (await client.get("/health/ready")).json()
        if body["projections"] and all(p["lag_events"] == 0 for p in body["projections"].values()):
            return
        await asyncio.sleep(1)


async def run(args: argparse.Namespace) -> list[tuple[str, int]]:
    shutil.rmtree(OUT, ignore_errors=True)
    env, _ = serve_env(OUT / "storage", "tiny")
    env.update(dict(pair.split("=", 1) for pair in args.env))
    files = sorted(p for p in (Path(args.corpus) / "negatives").rglob("*") if p.is_file())
    server = Server(env, OUT)
    server.start()
    assert server.pid is not None
    try:
        headers = {"Authorization": f"Bearer {_admin_token(server, env)}"}
        rows = [("start", anonymous_mb(server.pid))]
        async with httpx.AsyncClient(base_url=server.url, timeout=600, headers=headers) as client:
            for path in files[: args.tracks]:
                upload = [("files", (path.name, path.read_bytes()))]
                answer = await client.post("/api/v1/ingest", files=upload)
                await caught_up(client)
                rows.append((f"{path.name} ({answer.status_code})", anonymous_mb(server.pid)))
        return rows
    finally:
        server.stop()
        shutil.rmtree(OUT, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--corpus", default=os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    )
    parser.add_argument("--tracks", type=int, default=12)
    parser.add_argument("--env", nargs="*", default=[])
    rows = asyncio.run(run(parser.parse_args()))
    print("| after | anonymous RSS MB |\n|---|---|")
    for name, mb in rows:
        print(f"| {name} | {mb} |")


if __name__ == "__main__":
    main()

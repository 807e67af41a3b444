"""Ingest speed: wall time per minute of audio for decode + Chromaprint + storage + commit.

    .venv/bin/python -m bench.ingest [--corpus DIR] [--jobs N]

Ingests every reference track of the dev corpus into a fresh database and storage root
(embedded Postgres unless DATABASE_URL is set), without the projections (fingerprints and
CLAP have their own benchmarks), then ingests each file again to time the duplicate path.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from application.library.ingest_file import IngestFile
from domain.audio import FINGERPRINT_RATE
from domain.library.ingest_outcome import IngestStatus
from entrypoints.cli.files import expand_paths
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole

DEFAULT_CORPUS = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")


async def _timed_ingest(settings: Settings, files: list[Path], jobs: int) -> dict[str, float]:
    async with command_scope(settings, ProcessRole()) as scope:
        ingest = await scope.get(IngestFile)
        gate = asyncio.Semaphore(jobs)

        async def one(path: Path) -> IngestStatus:
            async with gate:
                return (await ingest(path)).status

        cpu, wall = time.process_time(), time.perf_counter()
        first = await asyncio.gather(*(one(p) for p in files))
        first_wall = time.perf_counter() - wall
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        ffmpeg_cpu = children.ru_utime + children.ru_stime
        self_cpu = time.process_time() - cpu
        wall = time.perf_counter()
        again = await asyncio.gather(*(one(p) for p in files))
        again_wall = time.perf_counter() - wall
    assert all(s is IngestStatus.INGESTED for s in first), first
    assert all(s is IngestStatus.DUPLICATE for s in again), again
    return {"wall": first_wall, "cpu": self_cpu + ffmpeg_cpu, "duplicate_wall": again_wall}


async def _audio_minutes(files: list[Path]) -> float:
    decoder = FfmpegAudioDecoder()
    total = 0.0
    for path in files:
        total += (await decoder.probe(path)).duration_seconds
    return total / 60


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    files = [Path(p) for p in expand_paths([str(Path(args.corpus) / "tracks")], recursive=True)]
    minutes = await _audio_minutes(files)
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir="/var/tmp") as root:
        os.chmod(root, 0o755)  # the embedded Postgres runs as its own user when we are root
        settings = Settings.from_env(
            {**os.environ, "AUDIO_STORAGE_ROOT": root, "EMBEDDING_MODEL": "none"}
        )
        result = await _timed_ingest(settings, files, args.jobs)
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · jobs={args.jobs}")
    print(f"rate used for decoding: {FINGERPRINT_RATE} Hz mono f32 (one ffmpeg run per file)")
    print()
    columns = ["files", "audio (min)", "wall (s)", "wall s / audio min", "× real time"]
    columns += ["CPU s / audio min", "duplicate pass (s)"]
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {len(files)} | {minutes:.1f} | {result['wall']:.1f} | {result['wall'] / minutes:.3f} "
        f"| {minutes * 60 / result['wall']:.0f}× | {result['cpu'] / minutes:.3f} "
        f"| {result['duplicate_wall']:.1f} |"
    )


if __name__ == "__main__":
    asyncio.run(main())

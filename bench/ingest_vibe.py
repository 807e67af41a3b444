"""Ingest throughput with the vibe lane on: ingest, then both projections, per core.

    .venv/bin/python -m bench.ingest_vibe [--corpus DIR] [--tracks N] [--precision P]

CLAP is the default checkpoint's architecture (HTSAT-base audio tower, RoBERTa-base text
tower, 512-d) with random weights, saved to a directory and loaded through the production
loader (`EMBEDDING_MODEL=<dir>`): the same cost as `laion/larger_clap_music_and_speech`,
which cannot be downloaded here. One torch thread, the service's default; `--precision`
is EMBEDDING_PRECISION (default auto).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from pathlib import Path

import torch
from transformers import ClapAudioConfig, ClapConfig, ClapModel, ClapProcessor

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from application.identify.vibe_model import VibeModel
from application.library.ingest_file import IngestFile
from application.projections.run_projections import RunProjections
from bench.vibe_clap import LARGER_CLAP_AUDIO
from domain.audio import EMBEDDING_RATE
from entrypoints.cli.files import expand_paths
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole
from tests.support.tiny_clap import build_tiny_clap

DEFAULT_CORPUS = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")


def build_larger_clap(directory: Path) -> Path:
    """Random weights, real architecture; the tiny tokenizer is enough for audio-only use."""
    build_tiny_clap(directory / "tiny")
    processor = ClapProcessor.from_pretrained(directory / "tiny")
    torch.manual_seed(0)
    config = ClapConfig(audio_config=ClapAudioConfig(**LARGER_CLAP_AUDIO), projection_dim=512)
    ClapModel(config).save_pretrained(directory / "larger")
    processor.save_pretrained(directory / "larger")
    return directory / "larger"


def cpu_seconds() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=DEFAULT_CORPUS)
    parser.add_argument("--tracks", type=int, default=12)
    parser.add_argument("--precision", default="auto")
    args = parser.parse_args()
    files = sorted(expand_paths([str(Path(args.corpus) / "tracks")], recursive=True))
    files = files[:: max(1, len(files) // args.tracks)][: args.tracks]
    decoder = FfmpegAudioDecoder()
    seconds = sum([(await decoder.probe(Path(f))).duration_seconds for f in files])
    with tempfile.TemporaryDirectory(prefix="bench-vibe-ingest-", dir="/var/tmp") as root:
        os.chmod(root, 0o755)  # the embedded Postgres runs as its own user when we are root
        model = build_larger_clap(Path(root) / "clap")
        env = {**os.environ, "AUDIO_STORAGE_ROOT": root, "EMBEDDING_MODEL": str(model)}
        settings = Settings.from_env(
            env
            | {"EMBEDDING_DIM": "512", "TORCH_THREADS": "1", "EMBEDDING_PRECISION": args.precision}
        )
        stages: dict[str, float] = {}
        role = ProcessRole(runs_projections=True, loads_model=True)
        async with command_scope(settings, role) as scope:
            ingest = await scope.get(IngestFile)
            started = cpu_seconds()
            for path in files:
                await ingest(Path(path))
            stages["ingest (decode, Chromaprint, store, commit)"] = cpu_seconds() - started
            model = await scope.get(VibeModel)
            assert model.embedder is not None, model.unavailable_reason
            for projector in (await scope.get(RunProjections)).projectors:
                started = cpu_seconds()
                await projector.catch_up()
                stages[f"{projector.name} projection"] = cpu_seconds() - started
    total = sum(stages.values())
    print(
        f"{len(files)} tracks, {seconds / 60:.1f} min of audio, CLAP at {EMBEDDING_RATE} Hz, "
        f"precision {settings.embedding_precision}"
    )
    print()
    print("| stage | CPU s | × real time per core |")
    print("|---|---|---|")
    for stage, cpu in [*stages.items(), ("all (vibe on)", total)]:
        print(f"| {stage} | {cpu:.1f} | {seconds / cpu:.0f}× |")


if __name__ == "__main__":
    asyncio.run(main())

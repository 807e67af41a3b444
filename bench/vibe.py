"""Vibe-lane benchmark: CLAP seconds per chunk, embedded vector search latency, memory.

    .venv/bin/python bench/vibe.py [--parts clap,vectors] [--chunks 50000,1000000]
                                   [--device cpu|cuda] [--skip-full] [--write bench/RESULTS.md]
                                   [--query-cores N] [--keep DIR]

CLAP runs through the production ClapEmbedder (feature extraction included) on a tiny
random model and on a random-init model of laion/larger_clap_music_and_speech's
architecture (same cost as the real weights, nothing downloaded). Vector latency is
QdrantEdgeIndex.search over random 512-d unit vectors after shards.build_graph() built the HNSW
index; each size runs in its own process so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECTION = "## Vibe lane"


def memory_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process, from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def clap_table(device: str, skip_full: bool) -> list[str]:
    from bench.vibe_clap import full_size_embedder, time_chunks, tiny_embedder, weights_mb

    rows = [
        "| model | precision | device | threads | batch | wall s/chunk | CPU s/chunk |",
        "|---|---|---|---|---|---|---|",
    ]
    notes = []
    runs = [("tiny random CLAP", tiny_embedder, 5)]
    if not skip_full:
        runs.append(("larger_clap architecture, random init", full_size_embedder, 1))
    thread_counts = [1] if device == "cuda" else [1, 2]
    precisions = ["float32", "bfloat16"] + (["int8"] if device == "cpu" else [])
    for name, build, repeats in runs:
        for precision in precisions:
            embedder = build(device, precision)
            notes.append(f"{name}, {precision}: weights {weights_mb(embedder):.0f} MB")
            for threads in thread_counts:
                for batch in (1, 8):
                    t = time_chunks(embedder, name, threads, batch, repeats)
                    rows.append(
                        f"| {name} | {t.precision} | {t.device} | {threads} | {batch} "
                        f"| {t.wall_per_chunk:.3f} | {t.cpu_per_chunk:.3f} |"
                    )
                    print(rows[-1], flush=True)
            del embedder
    current, peak = memory_mb()
    notes.append(f"process RSS after CLAP runs: {current:.0f} MB (peak {peak:.0f} MB)")
    return [*rows, "", *(f"- {note}" for note in notes)]


def _vector_rows(chunks: int, query_cores: int | None, keep: Path | None) -> list[str]:
    from bench.vibe_vectors import run

    rows = []
    for t in run(chunks, queries=200, limits=[10, 80], query_cores=query_cores, keep=keep):
        current, peak = memory_mb()
        rows.append(
            f"| {t.chunks:,} | {t.load_seconds:.1f} | {t.optimize_seconds:.1f} | {t.limit} "
            f"| {t.cache} | {t.p50_ms:.2f} | {t.p95_ms:.2f} | {t.disk_mb:.0f} "
            f"| {current:.0f} / {peak:.0f} |"
        )
        print(rows[-1], flush=True)
    return rows


def vector_table(sizes: list[int], query_cores: int | None, keep: Path | None) -> list[str]:
    header = [
        "| chunks | load s | optimize (HNSW) s | limit | cache | p50 ms | p95 ms | disk MB "
        "| RSS / peak MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    rows = []
    context = multiprocessing.get_context("spawn")
    for size in sizes:
        with context.Pool(1) as pool:
            rows.extend(pool.apply(_vector_rows, (size, query_cores, keep)))
    return header + rows


def write_section(path: Path, body: list[str]) -> None:
    """Replace (or append) the '## Vibe lane' section, leaving every other section alone."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    if SECTION in lines:
        start = lines.index(SECTION)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        lines[start:end] = [SECTION, *body, ""]
    else:
        lines += ["", SECTION, *body]
    path.write_text("\n".join(lines).rstrip() + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parts", default="clap,vectors")
    parser.add_argument("--chunks", default="50000")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--skip-full", action="store_true")
    parser.add_argument("--write", type=Path)
    parser.add_argument("--query-cores", type=int, help="pin searches to this many cores")
    parser.add_argument(
        "--keep", type=Path, help="build shards under this folder, keep them, reuse them next run"
    )
    args = parser.parse_args()
    parts = args.parts.split(",")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = ["", f"Run {stamp} on {platform.node()} ({multiprocessing.cpu_count()} cores).", ""]
    if "clap" in parts:
        body += [
            "### CLAP seconds per 10 s chunk",
            "",
            *clap_table(args.device, args.skip_full),
            "",
        ]
    if "vectors" in parts:
        sizes = [int(size) for size in args.chunks.split(",")]
        body += [
            "### Embedded vector search (Qdrant Edge, 512-d, HNSW)",
            "",
            *vector_table(sizes, args.query_cores, args.keep),
            "",
        ]
    print("\n".join(body))
    if args.write:
        write_section(args.write, body)


if __name__ == "__main__":
    main()

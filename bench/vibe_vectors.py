"""Query latency of the embedded engine (QdrantEdgeIndex) over random unit vectors."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import numpy as np

from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from domain.vibe.embedding import ChunkEmbeddings

CHUNKS_PER_TRACK = 50  # a 4-minute track at a 5 s hop
DIMENSION = 512
# The shard's files are mmapped: the first searches after opening read them from disk. A
# serving process is past that within about this many searches (1 M chunks, 2 GB).
WARM_UP_QUERIES = 800


@dataclass(frozen=True)
class VectorTiming:
    chunks: int
    load_seconds: float
    optimize_seconds: float
    limit: int
    cache: str  # "cold": the first searches after opening; "warm": after WARM_UP_QUERIES
    p50_ms: float
    p95_ms: float
    disk_mb: float


async def measure(
    chunks: int, queries: int, limits: list[int], query_cores: int | None, keep: Path | None
) -> list[VectorTiming]:
    """Load, optimize, then time searches: a cold pass right after opening the shard, then,
    after WARM_UP_QUERIES untimed, a warm pass per limit. `query_cores` pins the search phase
    to that many cores (and search threads), to read a small machine's latency off a big one.

    With `keep`, the shard is built under `keep/<chunks>` and left there; a later run with
    the same `keep` skips straight to the searches (a 1 M build takes hours on 2 cores)."""
    root = keep / str(chunks) if keep else Path(tempfile.mkdtemp(prefix="vibe-bench-"))
    built = root / "built.json"
    rng = np.random.default_rng(chunks)
    if built.exists():
        index = QdrantEdgeIndex(root / "qdrant", optimize_every=10**12)
        load_seconds, optimize_seconds = json.loads(built.read_text())
    else:
        shutil.rmtree(root, ignore_errors=True)
        index = QdrantEdgeIndex(root / "qdrant", optimize_every=10**12)
        load_seconds, optimize_seconds = await _build(index, chunks, rng)
        built.write_text(json.dumps([load_seconds, optimize_seconds]))
        print(f"built {chunks:,}: load {load_seconds:.1f} s, optimize {optimize_seconds:.1f} s")
    disk = sum(f.stat().st_size for f in (root / "qdrant").rglob("*") if f.is_file()) / 2**20
    if query_cores:
        await index.close()
        os.sched_setaffinity(0, set(range(query_cores)))
        index = QdrantEdgeIndex(root / "qdrant", search_threads=query_cores)
    timed = [(limits[-1], "cold", await _time_searches(index, rng, limits[-1], queries))]
    await _time_searches(index, rng, limits[-1], WARM_UP_QUERIES)
    for limit in limits:
        timed.append((limit, "warm", await _time_searches(index, rng, limit, queries)))
    results = []
    for limit, cache, latencies in timed:
        p50, p95 = np.percentile(latencies, [50, 95])
        results.append(
            VectorTiming(chunks, load_seconds, optimize_seconds, limit, cache, p50, p95, disk)
        )
    await index.close()
    if not keep:
        shutil.rmtree(root, ignore_errors=True)
    return results


async def _time_searches(
    index: QdrantEdgeIndex, rng: np.random.Generator, limit: int, count: int
) -> list[float]:
    """Milliseconds per `index.search` of `count` random unit queries."""
    latencies = []
    for _ in range(count):
        query = _unit(rng.standard_normal((1, DIMENSION), dtype=np.float32))[0]
        begin = time.perf_counter()
        await index.search(query, limit)
        latencies.append((time.perf_counter() - begin) * 1000)
    return latencies


async def _build(
    index: QdrantEdgeIndex, chunks: int, rng: np.random.Generator
) -> tuple[float, float]:
    """Write `chunks` random unit vectors, 50 to a track, then build the HNSW graph."""
    offsets = np.arange(CHUNKS_PER_TRACK, dtype=np.float32) * 5
    started = time.perf_counter()
    for _ in range(chunks // CHUNKS_PER_TRACK):
        vectors = _unit(rng.standard_normal((CHUNKS_PER_TRACK, DIMENSION), dtype=np.float32))
        await index.upsert(uuid4(), ChunkEmbeddings(vectors, offsets, "bench"))
    loaded = time.perf_counter()
    await index.shards.build_graph()
    return loaded - started, time.perf_counter() - loaded


def _unit(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def run(
    chunks: int,
    queries: int,
    limits: list[int],
    query_cores: int | None = None,
    keep: Path | None = None,
) -> list[VectorTiming]:
    return asyncio.run(measure(chunks, queries, limits, query_cores, keep))

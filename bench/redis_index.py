"""The fingerprint index on Redis Cluster against LMDB, over the dev corpus.

    .venv/bin/python bench/redis_index.py [--corpus DIR] [--quick] [--scale-hours 100]
                                          [--write bench/RESULTS.md]

Starts a 3-master + 3-replica Redis Cluster on loopback (tests/support/redis_cluster.py),
indexes every reference track into LMDB and into the cluster (the same prints), then runs
each query of both dev sets through IdentifyExact on both indexes and compares the match
lists, query by query; times the match alone (first pass, and the stretched pass of the
hard set's positives) on both, side by side; and reports memory per posting (the masters'
INFO used_memory over the entries held). With --scale-hours, the cluster is then filled with
that many hours of synthetic entries (bench/exact_scale.py's fill) and timed again.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.redis_index.client import master_of
from adapters.redis_index.fingerprint_index import RedisFingerprintIndex
from adapters.redis_index.layout import Row, number_field, posting_keys
from application.identify.exact_lookup import match_exact
from application.identify.identify_exact import IdentifyExact
from bench.exact import QUERY_SETS, _live_bytes, _manifest, decode, store, write_section
from bench.exact_scale import (
    TRACK_FRAMES,
    corpus_rates,
    fake_track_count,
    scale_check,
    synthetic_chunks,
    time_group,
)
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import INDEXED, STRETCHABLE
from domain.exact.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import FingerprintIndex
from tests.support.redis_cluster import LocalRedisCluster

SECTION = "## Fingerprint index on Redis Cluster"


def _ms(values: list[float]) -> str:
    return f"{np.percentile(values, 50):.1f} / {np.percentile(values, 95):.1f}"


def used_memory(cluster: LocalRedisCluster) -> int:
    """Bytes the masters use (replicas hold as much again)."""
    return sum(int(cluster.info(n, "memory")["used_memory"]) for n in cluster.primaries())


async def compare(
    corpus: Path, quick: bool, lmdb: FingerprintIndex, redis: FingerprintIndex, printer
) -> list[str]:
    """Match lists of every query on both indexes; match-only latency side by side."""
    lines = []
    for name, folder in QUERY_SETS.items():
        rows = _manifest(corpus / folder, quick)
        same = 0
        differ: list[str] = []
        timings: dict[str, dict[str, list[float]]] = {"lmdb": {}, "redis": {}}
        for row in rows:
            samples, _ = decode(corpus / folder / row["query"])
            clip = PcmAudio(samples, FINGERPRINT_RATE)
            answers = []
            for label, index in (("lmdb", lmdb), ("redis", redis)):
                began = time.perf_counter()
                answers.append(await IdentifyExact(printer, index)(clip, limit=3))
                timings[label].setdefault("identify", []).append(_since(began))
            same += answers[0] == answers[1]
            if answers[0] != answers[1]:
                differ.append(row["query"])
            for analysis, kind in ((INDEXED, "first pass"), (STRETCHABLE, "stretched pass")):
                (query,) = await printer.prints(clip, [analysis])
                for label, index in (("lmdb", lmdb), ("redis", redis)):
                    began = time.perf_counter()
                    await match_exact(index, query, 3)
                    timings[label].setdefault(kind, []).append(_since(began))
        lines.append(
            f"| {name} ({len(rows)} queries) | {same}/{len(rows)} identical"
            + (f" (differ: {', '.join(differ[:5])})" if differ else "")
            + " | "
            + " | ".join(
                f"{_ms(timings['lmdb'][kind])} | {_ms(timings['redis'][kind])}"
                for kind in ("first pass", "stretched pass", "identify")
            )
            + " |"
        )
    return lines


def _since(began: float) -> float:
    return (time.perf_counter() - began) * 1000


async def fill_redis_synthetic(
    index: RedisFingerprintIndex, hours: float, rates: tuple[float, float], keys: np.ndarray
) -> tuple[int, int]:
    """The synthetic hours written straight into the live generation (one SET per key, one
    MSET per hash-tag group), their fake tracks published; returns (tracks, entries)."""
    client = await index._ready()
    generation = await index._write_generation(client)
    prefixes = index._keys.group_prefixes(generation)
    fake = fake_track_count(hours)
    entries = 0
    for chunk_keys, values in synthetic_chunks(hours, rates, keys, fake):
        distinct, starts = np.unique(chunk_keys, return_index=True)
        packed = values.astype(">u8").tobytes()
        bounds = [*(starts * 8).tolist(), len(packed)]
        pipe = client.pipeline()
        for at, group_keys in posting_keys(prefixes, distinct.astype(np.uint64)).values():
            pairs = [
                part
                for key, i in zip(group_keys, at.tolist(), strict=True)
                for part in (key, packed[bounds[i] : bounds[i + 1]])
            ]
            pipe.execute_command("MSET", *pairs, target_nodes=master_of(client, group_keys[0]))
        await pipe.execute()
        entries += len(values)
    root, numbers = index._keys.root, index._keys.numbers(generation)
    rows = {
        number_field(n): Row(uuid.uuid4(), TRACK_FRAMES, 0, 0).encode_head() + n.to_bytes(4, "big")
        for n in range(1, fake + 1)
    }
    await client.hset(numbers, mapping=rows)  # type: ignore[misc]
    g = f"g{generation}:"
    await client.hset(root, mapping={g + "next": fake, g + "seq": fake})  # type: ignore[misc]
    await client.hincrby(root, g + "frames", fake * TRACK_FRAMES)  # type: ignore[misc]
    await client.hincrby(root, g + "entries", entries)  # type: ignore[misc]
    return fake, entries


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--quick", action="store_true", help="every third query only")
    parser.add_argument("--scale-hours", type=float, default=0.0)
    parser.add_argument("--write", type=Path, help="write the report (markdown) here")
    args = parser.parse_args()
    printer = CffiLandmarkFingerprinter()
    with tempfile.TemporaryDirectory(prefix="redis-bench-") as scratch:
        cluster = LocalRedisCluster(Path(scratch) / "cluster").start()
        try:
            report = await run(args, printer, cluster, Path(scratch))
        finally:
            cluster.stop()
    print(report)
    if args.write:
        write_section(args.write, report, SECTION)


async def run(args, printer, cluster: LocalRedisCluster, scratch: Path) -> str:
    lmdb = LmdbFingerprintIndex(scratch / "lmdb")
    redis = RedisFingerprintIndex(cluster.url)
    ids, prints, stats = await store(args.corpus, lmdb, printer)
    before = used_memory(cluster)
    began = time.perf_counter()
    for track_id, fingerprint in prints.items():
        await redis.put(track_id, fingerprint)
    put_seconds = time.perf_counter() - began
    entries = sum((await redis.track_counts()).values())
    assert entries == sum((await lmdb.track_counts()).values())
    redis_bytes = used_memory(cluster) - before
    lmdb_bytes = _live_bytes(scratch / "lmdb")
    audio_hours = stats["audio_hours"]
    lines = [
        SECTION,
        "",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()} "
        f"{os.cpu_count()}-core VM shared with other work, Redis "
        f"{cluster.info(cluster.nodes[0], 'server')['redis_version']} (3 masters + 3 "
        "replicas on loopback, no persistence), redis-py with hiredis; corpus "
        f"{args.corpus} ({stats['tracks']} tracks, {audio_hours:.2f} h, {entries} entries)"
        + (" (--quick: every third query)" if args.quick else "")
        + ". Command: `.venv/bin/python bench/redis_index.py"
        + (" --quick" if args.quick else "")
        + (f" --scale-hours {args.scale_hours:g}" if args.scale_hours else "")
        + "`.",
        "",
        "Both indexes hold the same prints; every query goes through IdentifyExact (all the "
        "passes it needs, limit 3) on each, and the match lists are compared whole (track, "
        "offset, speed, confidence, aligned points). Latencies in ms, p50 / p95, one "
        "process, the indexes taking turns query by query.",
        "",
        "| query set | match lists, Redis vs LMDB | first pass LMDB | first pass Redis "
        "| stretched pass LMDB | stretched pass Redis | IdentifyExact LMDB "
        "| IdentifyExact Redis |",
        "|---|---|---|---|---|---|---|---|",
        *await compare(args.corpus, args.quick, lmdb, redis, printer),
        "",
        "| memory | LMDB | Redis Cluster |",
        "|---|---|---|",
        f"| bytes per entry | {lmdb_bytes / entries:.1f} (live pages) "
        f"| {redis_bytes / entries:.1f} (masters' used_memory; replicas as much again) |",
        f"| MB per hour of audio | {lmdb_bytes / 1e6 / audio_hours:.1f} "
        f"| {redis_bytes / 1e6 / audio_hours:.1f} |",
        f"| put, x real time (puts alone) | {stats['put_x_realtime']:.0f}x "
        f"| {audio_hours * 3600 / put_seconds:.0f}x |",
    ]
    await redis.close()
    if args.scale_hours:
        lines += ["", *await scale(args, cluster, prints, stats, ids, scratch)]
    return "\n".join(lines) + "\n"


async def scale(args, cluster, prints, stats, ids, scratch: Path) -> list[str]:
    """Both indexes filled with the same synthetic hours, the corpus put after them (so its
    tracks take the numbers after the fake ones), then timed on the same clips."""
    hours = args.scale_hours
    keys = np.concatenate([fp.hashes for fp in prints.values()])
    rates = corpus_rates(prints, stats["hashes_per_second_audio"])
    redis = RedisFingerprintIndex(cluster.url, namespace="scale")
    await redis.check()
    before = used_memory(cluster)
    began = time.perf_counter()
    _, entries = await fill_redis_synthetic(redis, hours, rates, keys)
    fill_seconds = time.perf_counter() - began
    redis_bytes = used_memory(cluster) - before
    for track_id, fingerprint in prints.items():
        await redis.put(track_id, fingerprint)
    clips = await _scale_clips(args.corpus, prints, ids, printer=CffiLandmarkFingerprinter())
    lines = [
        f"At {hours:g} h of synthetic entries ({entries} entries, written in "
        f"{fill_seconds:.0f} s; {redis_bytes / entries:.1f} bytes per entry on the masters, "
        f"{redis_bytes / 1e6 / hours:.0f} MB/h) plus the corpus, match only:",
        "",
    ]
    for label, group in clips.items():
        lines.append("- Redis: " + (await time_group(redis, label, group))[2:])
    await redis.close()
    lines.append("")
    per_second = stats["hashes_per_second_audio"]
    for line in await scale_check(scratch / "scale", hours, per_second, prints, clips):
        lines.append(line.replace("- ", "- LMDB: ", 1) if line.startswith("- ") else line)
    return lines


async def _scale_clips(corpus: Path, prints, ids, printer) -> dict:
    by_name = {name: track_id for track_id, name in ids.items()}
    clips: dict[str, list[tuple[uuid.UUID, LandmarkFingerprint]]] = {}
    for folder, length, analysis, label in (
        ("queries", 10.0, INDEXED, "clean 10 s clips, first pass"),
        ("queries-hard", 5.0, STRETCHABLE, "hard 5 s clips, stretched pass"),
    ):
        group = clips.setdefault(label, [])
        for row in _manifest(corpus / folder, False):
            wanted = row["true_track"] and row["clip_len_nominal_s"] == length
            if wanted and (folder != "queries" or row["degradation"] == "clean"):
                samples, _ = decode(corpus / folder / row["query"])
                (query,) = await printer.prints(PcmAudio(samples, FINGERPRINT_RATE), [analysis])
                group.append((by_name[row["true_track"]], query))
    return clips


if __name__ == "__main__":
    asyncio.run(main())

"""The fingerprint index on Redis Cluster against LMDB, over the dev corpus.

    .venv/bin/python bench/redis_index.py [--corpus DIR] [--quick] [--replicas N]
        [--scale-hours 100,300,1000] [--scratch DIR] [--write bench/RESULTS.md]

Starts a 3-master Redis Cluster (with --replicas replicas each, 1 by default) on loopback
(tests/support/redis_cluster.py), indexes every reference track into LMDB and into the
cluster (the same prints), then runs each query of both dev sets through IdentifyExact on
both indexes and compares the match lists, query by query; times the match alone (first
pass, and the stretched pass of the hard set's positives) on both, side by side; and
reports memory per posting (the masters' INFO used_memory over the entries held). With
--scale-hours, one synthetic Redis index and one synthetic LMDB index then grow through
each size in turn (the missing hours added at each step, bench/exact_scale.py's
synthetic entries), and the same clips are timed on both at every size; a step that the
free memory (MemAvailable) cannot hold is not started.
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import close_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.redis_index.client import master_of
from adapters.redis_index.fingerprint_index import RedisFingerprintIndex
from adapters.redis_index.functions import APPEND
from adapters.redis_index.layout import Row, number_field, posting_keys
from application.identify.exact_lookup import match_exact
from application.identify.identify_exact import IdentifyExact
from bench.exact import QUERY_SETS, _live_bytes, _manifest, decode, store, write_section
from bench.exact_scale import (
    TRACK_FRAMES,
    corpus_rates,
    disk_bytes,
    fake_track_count,
    grow_synthetic,
    synthetic_chunks,
    timed,
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


async def grow_redis_synthetic(
    index: RedisFingerprintIndex,
    hours: float,
    rates: tuple[float, float],
    keys: np.ndarray,
    step: int,
    enough_memory,
) -> tuple[int, int]:
    """`hours` more synthetic entries in the live generation, their fake tracks numbered
    after every track held and published; stops between chunks once `enough_memory()`
    says no. Returns (tracks, entries written).

    One append call per hash-tag group (the index's own function): every new entry's
    track number is above all those held, so each key's block goes on its end whole."""
    client = await index._ready()
    generation = await index._write_generation(client)
    prefixes = index._keys.group_prefixes(generation)
    root, g = index._keys.root, f"g{generation}:"
    first = int(await client.hget(root, g + "next") or 0) + 1  # type: ignore[misc]
    fake = fake_track_count(hours)
    entries = 0
    for chunk_keys, values in synthetic_chunks(hours, rates, keys, fake, first, step):
        if not enough_memory():
            break
        distinct, starts = np.unique(chunk_keys, return_index=True)
        packed = values.astype(">u8").tobytes()
        bounds = [*(starts * 8).tolist(), len(packed)]
        pipe = client.pipeline()
        for at, group_keys in posting_keys(prefixes, distinct.astype(np.uint64)).values():
            blocks = [packed[bounds[i] : bounds[i + 1]] for i in at.tolist()]
            call = ("FCALL", APPEND, len(group_keys), *group_keys, first, *blocks)
            pipe.execute_command(*call, target_nodes=master_of(client, group_keys[0]))
        await pipe.execute()
        entries += len(values)
    rows = {
        number_field(n): Row(uuid.uuid4(), TRACK_FRAMES, 0, 0).encode_head() + n.to_bytes(4, "big")
        for n in range(first, first + fake)
    }
    await client.hset(index._keys.numbers(generation), mapping=rows)  # type: ignore[misc]
    for name, by in (("next", fake), ("seq", fake), ("frames", fake * TRACK_FRAMES)):
        await client.hincrby(root, g + name, by)  # type: ignore[misc]
    await client.hincrby(root, g + "entries", entries)  # type: ignore[misc]
    return fake, entries


def memory_available() -> int:
    """MemAvailable from /proc/meminfo, in bytes."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no MemAvailable in /proc/meminfo")


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    default = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--quick", action="store_true", help="every third query only")
    parser.add_argument(
        "--scale-hours",
        type=lambda text: [float(h) for h in text.split(",")],
        default=[],
        help="sizes to grow both synthetic indexes through, in hours: 100,300,1000",
    )
    parser.add_argument(
        "--replicas", type=int, default=1, help="replicas per master (0: none, more room)"
    )
    parser.add_argument("--scratch", type=Path, help="where LMDB and Redis live (a tmp dir)")
    parser.add_argument("--write", type=Path, help="write the report (markdown) here")
    args = parser.parse_args()
    printer = CffiLandmarkFingerprinter()
    with tempfile.TemporaryDirectory(prefix="redis-bench-", dir=args.scratch) as scratch:
        cluster = LocalRedisCluster(Path(scratch) / "cluster", replicas=args.replicas)
        cluster.start()
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
        f"{cluster.info(cluster.nodes[0], 'server')['redis_version']} (3 masters + "
        f"{3 * args.replicas} replicas on loopback, no persistence), redis-py with hiredis; "
        f"corpus {args.corpus} ({stats['tracks']} tracks, {audio_hours:.2f} h, {entries} "
        "entries)"
        + (" (--quick: every third query)" if args.quick else "")
        + f". Command: `{_command(args)}`.",
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
        f"| {redis_bytes / entries:.1f} (masters' used_memory; each replica as much again) |",
        f"| MB per hour of audio | {lmdb_bytes / 1e6 / audio_hours:.1f} "
        f"| {redis_bytes / 1e6 / audio_hours:.1f} |",
        f"| put, x real time (puts alone) | {stats['put_x_realtime']:.0f}x "
        f"| {audio_hours * 3600 / put_seconds:.0f}x |",
    ]
    await redis.close()
    if args.scale_hours:
        for node in cluster.primaries():  # room for the synthetic hours
            cluster.cli(node, "FLUSHALL")
        lines += ["", *await scale(args, cluster, prints, stats, ids, scratch)]
    return "\n".join(lines) + "\n"


def _command(args) -> str:
    parts = [".venv/bin/python bench/redis_index.py"]
    parts += ["--quick"] if args.quick else []
    parts += [f"--replicas {args.replicas}"] if args.replicas != 1 else []
    if args.scale_hours:
        parts.append("--scale-hours " + ",".join(f"{h:g}" for h in args.scale_hours))
    return " ".join(parts)


MEMORY_FLOOR = 2 << 30  # left to the rest of the machine (other work shares it)
FIRST_GUESS = 30.0  # bytes per entry on a master before one step has measured it


@dataclass
class Step:
    """One size both synthetic indexes reached, and what was measured there."""

    hours: float
    entries: int  # synthetic and corpus entries held (both indexes hold the same count)
    redis_bytes: int  # masters' used_memory above the empty cluster's
    lmdb_bytes: int  # the LMDB files' size on disk
    seconds: tuple[float, float]  # the step's fill: Redis, LMDB
    timings: dict[str, tuple[tuple[list[float], int], tuple[list[float], int]]]


async def scale(args, cluster, prints, stats, ids, scratch: Path) -> list[str]:
    """Both indexes grow through each size of --scale-hours: the missing synthetic hours
    are added (after the first step's, the corpus is put, so its tracks keep numbers among
    the synthetic ones), then the same clips are timed on both, match only."""
    keys = np.concatenate([fp.hashes for fp in prints.values()])
    per_second = stats["hashes_per_second_audio"]
    rates = corpus_rates(prints, per_second)
    clips = await _scale_clips(args.corpus, prints, ids, printer=CffiLandmarkFingerprinter())
    redis = RedisFingerprintIndex(cluster.url, namespace="scale")
    await redis.check()
    lmdb_path = scratch / "scale"
    base = used_memory(cluster)
    steps: list[Step] = []
    stopped = ""
    held = 0.0
    for number, hours in enumerate(args.scale_hours):
        per_entry = steps[-1].redis_bytes / steps[-1].entries if steps else FIRST_GUESS
        added = (hours - held) * 3600 * per_second
        need = added * per_entry * (1 + args.replicas)
        free = memory_available() - MEMORY_FLOOR
        if need > free:
            stopped = (
                f"Not grown to {hours:g} h: {added / 1e6:.0f} M more entries at "
                f"{per_entry:.1f} bytes each on the masters"
                + (f" and as much on each of {args.replicas} replicas" if args.replicas else "")
                + f" need {need / 1e9:.1f} GB; {free / 1e9:.1f} GB was available (MemAvailable "
                f"less {MEMORY_FLOOR >> 30} GB left to the rest of the machine). At "
                f"{hours:g} h the masters would hold about "
                f"{(hours * 3600 * per_second) * per_entry / 1e9:.0f} GB."
            )
            break
        step, short = await _grow(redis, lmdb_path, (held, hours), number, (rates, keys), prints)
        if short:
            stopped = short
            break
        step.entries += steps[-1].entries if steps else 0
        step.redis_bytes = used_memory(cluster) - base
        step.timings = {
            label: (await timed(_lmdb(lmdb_path), group), await timed(redis, group))
            for label, group in clips.items()
        }
        steps.append(step)
        held = hours
        print(_step_row(step, stats["audio_hours"]), flush=True)
    await redis.close()
    close_environment(lmdb_path)
    return _scale_report(steps, clips, stopped, (args.replicas, stats["audio_hours"]))


def _lmdb(path: Path) -> LmdbFingerprintIndex:
    return LmdbFingerprintIndex(path, key_shift=0)


class MemoryGuard:
    """Says no (and remembers it) once MemAvailable falls to MEMORY_FLOOR."""

    tripped = False

    def __call__(self) -> bool:
        self.tripped = self.tripped or memory_available() <= MEMORY_FLOOR
        return not self.tripped


async def _grow(redis, lmdb_path: Path, span, step: int, synthetic, prints) -> tuple[Step, str]:
    """Both indexes from `span[0]` to `span[1]` hours: the step, and why it stopped short
    ("" if it did not); the corpus goes in after the first step's synthetic hours."""
    (held, hours), (rates, keys) = span, synthetic
    guard = MemoryGuard()
    began = time.perf_counter()
    _, written = await grow_redis_synthetic(redis, hours - held, rates, keys, step, guard)
    redis_seconds = time.perf_counter() - began
    if guard.tripped:
        return Step(hours, written, 0, 0, (redis_seconds, 0.0), {}), (
            f"Stopped while growing to {hours:g} h: MemAvailable fell to "
            f"{MEMORY_FLOOR >> 30} GB with {written / 1e6:.0f} M of the step's entries in "
            "Redis; nothing timed at that size."
        )
    began = time.perf_counter()
    _, lmdb_written = grow_synthetic(lmdb_path, hours - held, rates, keys, step)
    lmdb_seconds = time.perf_counter() - began
    assert lmdb_written == written  # the same draws
    if step == 0:
        lmdb = _lmdb(lmdb_path)
        for track_id, fingerprint in prints.items():
            written += await redis.put(track_id, fingerprint)
            await lmdb.put(track_id, fingerprint)
    return Step(hours, written, 0, disk_bytes(lmdb_path), (redis_seconds, lmdb_seconds), {}), ""


def _p(values: list[float]) -> str:
    return f"{np.percentile(values, 50):.0f} / {np.percentile(values, 95):.0f}"


def _step_row(step: Step, corpus_hours: float) -> str:
    mb_h = 1e6 * (step.hours + corpus_hours)
    cells = [
        f"{step.hours:g}",
        f"{step.entries / 1e6:.1f} M",
        f"{step.redis_bytes / step.entries:.1f} / {step.redis_bytes / mb_h:.1f}",
        f"{step.lmdb_bytes / step.entries:.1f} / {step.lmdb_bytes / mb_h:.1f}",
    ]
    for (lmdb_ms, lmdb_right), (redis_ms, redis_right) in step.timings.values():
        cells += [_p(lmdb_ms), _p(redis_ms), f"{lmdb_right} / {redis_right}"]
    cells.append(f"{step.seconds[0]:.0f} / {step.seconds[1]:.0f}")
    return "| " + " | ".join(cells) + " |"


def _scale_report(steps: list[Step], clips: dict, stopped: str, setup) -> list[str]:
    (clean, clean_clips), (hard, hard_clips) = clips.items()
    replicas, corpus_hours = setup
    lines = [
        "Scale: one synthetic Redis index and one synthetic LMDB index grown through each "
        "size in turn (the missing hours added at each step, pairs and triplets at the "
        "corpus's rates; the corpus put after the first step's), then the same clips timed "
        f"on both, match only: {len(clean_clips)} {clean} and {len(hard_clips)} {hard}. "
        "Memory: Redis = the masters' used_memory above the empty cluster's"
        + (
            " (the cluster ran without replicas to fit the machine; each replica needs as "
            "much again)"
            if not replicas
            else f" ({replicas} replica(s) per master hold as much again each)"
        )
        + f"; LMDB = its files on disk; per hour of audio counts the corpus's {corpus_hours:.2f} "
        "h with the synthetic hours. Latencies in ms, p50 / p95.",
        "",
        "| synthetic hours | entries | Redis bytes/entry / MB/h | LMDB bytes/entry / MB/h "
        "| clean first pass LMDB | Redis | right on top LMDB / Redis "
        "| hard stretched pass LMDB | Redis | right on top LMDB / Redis "
        "| fill s Redis / LMDB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *(_step_row(step, corpus_hours) for step in steps),
    ]
    if stopped:
        lines += ["", stopped]
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

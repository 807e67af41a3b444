"""Is the scale check's synthetic filler as hard as real music? Compared at a size where both
exist: one LMDB holds a background corpus's real tracks, another the same hours of synthetic
entries (exact_scale.grow_synthetic, as the scale check fills them); both then get the query
corpus's tracks. The same real clips are probed in each.

    .venv/bin/python -m bench.exact_realism [--corpus DEV] [--background UNSEEN]
                                            [--synthetic independent,joint] [--work DIR]

Printed per index: entries per key (quantiles, and the share of entries under the top 1 % of
keys), per family (pairs, triplets); and per query group the entries under the query's keys,
the postings actually read (after the matcher's quantile cut), the hits joined, match time
and right-track-on-top count.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import time
import uuid
from pathlib import Path

import numpy as np

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import close_environment, open_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.lmdb_index.layout import HASHES
from bench.exact import _clean_clips, _hard_clips, _manifest, store
from bench.exact_scale import corpus_rates, grow_synthetic, timed
from domain.exact.fingerprint import SCALE_FREE, LandmarkFingerprint
from domain.exact.hits import join_hits, query_keys, specific_keys
from domain.ports.fingerprint_index import IndexSnapshot

Clips = list[tuple[uuid.UUID, LandmarkFingerprint]]


def key_counts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Every key of the LMDB index at `path` and how many entries it holds."""
    env = open_environment(path, readonly=True)
    db = env.open_db(HASHES, create=False)
    keys, counts = [], []
    with env.begin(db=db) as txn:
        cursor = txn.cursor()
        for key in cursor.iternext_nodup(keys=True, values=False):
            keys.append(int.from_bytes(key, "big"))
            counts.append(cursor.count())
    return np.array(keys, np.uint64), np.array(counts, np.int64)


def histogram_row(label: str, counts: np.ndarray) -> str:
    """Entries per key: p50/p90/p99/max, and the top 1 % of keys' share of all entries."""
    if len(counts) == 0:
        return f"| {label} | 0 | 0 | | | | | |"
    top = np.sort(counts)[::-1][: max(1, len(counts) // 100)]
    p50, p90, p99 = np.percentile(counts, [50, 90, 99])
    return (
        f"| {label} | {len(counts):,} | {int(counts.sum()):,} | {p50:.0f} | {p90:.0f} | "
        f"{p99:.0f} | {int(counts.max()):,} | {top.sum() / counts.sum():.1%} |"
    )


def probe(snapshot: IndexSnapshot, query: LandmarkFingerprint) -> tuple[int, int, int]:
    """Entries under the query's keys, postings read (match_print's cut), hits joined."""
    keys = query_keys(query)
    counts = snapshot.counts(keys)
    kept = specific_keys(counts)
    hashes, values = snapshot.postings(keys[kept])
    return int(counts.sum()), len(values), len(join_hits(query, hashes, values).tracks)


async def query_row(label: str, index: LmdbFingerprintIndex, group: Clips) -> str:
    probes = [await index.read(lambda s, q=q: probe(s, q)) for _, q in group]
    under, read, hits = (np.array(column) for column in zip(*probes, strict=True))
    latencies, right = await timed(index, group)
    return (
        f"| {label} | {len(group)} | {np.median(under):,.0f} / {np.percentile(under, 95):,.0f} "
        f"| {np.median(read):,.0f} / {np.percentile(read, 95):,.0f} "
        f"| {np.median(hits):,.0f} / {np.percentile(hits, 95):,.0f} "
        f"| {np.percentile(latencies, 50):.1f} / {np.percentile(latencies, 95):.1f} "
        f"| {right}/{len(group)} |"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description="Synthetic filler against real music")
    parser.add_argument("--corpus", type=Path, default=Path("/var/tmp/audio-ident-corpus"))
    parser.add_argument("--background", type=Path, default=Path("/var/tmp/audio-ident-unseen"))
    parser.add_argument("--synthetic", default="independent", help="comma-separated models")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/exact-realism"))
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    printer = CffiLandmarkFingerprinter()

    started = time.perf_counter()
    real_path = args.work / "real"
    real = LmdbFingerprintIndex(real_path, key_shift=0)
    _, background, bg_stats = await store(args.background, real, printer)
    ids, prints, stats = await store(args.corpus, real, printer)
    hours = bg_stats["audio_hours"]
    print(
        f"real: {bg_stats['tracks']} background tracks, {hours:.2f} h, + query corpus "
        f"{stats['audio_hours']:.2f} h ({time.perf_counter() - started:.0f} s)"
    )
    clips = {
        "first pass, clean 10 s": await _clean_clips(
            args.corpus, _manifest(args.corpus / "queries", False), printer, ids
        ),
        "stretched pass, hard 5 s": await _hard_clips(
            args.corpus, _manifest(args.corpus / "queries-hard", False), printer, ids
        ),
    }
    indexes = {"real": (real_path, real)}
    dev_keys = np.concatenate([fp.hashes for fp in prints.values()])
    rates = corpus_rates(prints, stats["hashes_per_second_audio"])
    other_keys = np.concatenate([fp.hashes for fp in background.values()])
    for model in args.synthetic.split(","):
        path = args.work / model
        grow_synthetic(path, hours, rates, dev_keys, model=model, other_keys=other_keys)
        index = LmdbFingerprintIndex(path, key_shift=0)
        for track_id, fingerprint in prints.items():
            await index.put(track_id, fingerprint)
        indexes[f"synthetic ({model})"] = (path, index)

    print("\n| index, family | keys | entries | p50 | p90 | p99 | max | top 1 % keys' share |")
    print("|---|---|---|---|---|---|---|---|")
    for name, (path, _) in indexes.items():
        keys, counts = key_counts(path)
        pairs = keys < SCALE_FREE
        print(histogram_row(f"{name}, pairs", counts[pairs]))
        print(histogram_row(f"{name}, triplets", counts[~pairs]))
    print(
        "\n| index, queries | n | entries under keys p50 / p95 | postings read p50 / p95 "
        "| hits joined p50 / p95 | match ms p50 / p95 | right on top |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, (_, index) in indexes.items():
        for label, group in clips.items():
            print(await query_row(f"{name}, {label}", index, group))
    for path, _ in indexes.values():
        close_environment(path)


if __name__ == "__main__":
    asyncio.run(main())

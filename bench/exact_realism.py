"""Is the scale check's synthetic filler as hard as real music? Compared at a size where both
exist: one LMDB holds half of a background corpus's real tracks, others the same hours of
synthetic entries (exact_scale.grow_synthetic, as the scale check fills them; the joint model
draws from the background's other half); all then get the query corpus's tracks. The same
real clips are probed in each. `--project-hours` instead projects each model's postings to
larger sizes from its expected key counts (checked against the built indexes at small size).

    .venv/bin/python -m bench.exact_realism [--corpus DEV] [--background UNSEEN]
                                            [--synthetic independent,joint] [--work DIR]
                                            [--project-hours 3.6,1300]

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
from itertools import product
from pathlib import Path

import numpy as np

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import close_environment, open_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.lmdb_index.layout import HASHES
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from bench.exact import _clean_clips, _hard_clips, _manifest, store
from bench.exact_scale import corpus_rates, grow_synthetic, joint_weights, key_weights, timed
from bench.exact_scale_triplets import triplet_weights
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


def expectation(model: str, source: np.ndarray, rates: tuple[float, float], hours: float):
    """keys -> each key's expected synthetic entries after `hours` of `model` drawn from the
    corpus keys `source` (see exact_scale.synthetic_chunks)."""
    drawn = source < SCALE_FREE
    weights = key_weights if model == "independent" else joint_weights
    pair_odds = weights(source[drawn]) * hours * 3600 * rates[0]
    pool = np.sort(source[~drawn])

    def expected(keys: np.ndarray) -> np.ndarray:
        pairs = keys < SCALE_FREE
        out = np.zeros(len(keys))
        out[pairs] = pair_odds[keys[pairs]]
        triplets = keys[~pairs]
        if model == "independent":
            odds = triplet_weights(triplets, pool)
        else:
            found = np.searchsorted(pool, triplets, "right") - np.searchsorted(pool, triplets)
            odds = found / max(1, len(pool))
        out[~pairs] = odds * hours * 3600 * rates[1]
        return out

    return expected


def projected_row(label: str, group: Clips, expected, own: tuple[np.ndarray, np.ndarray]) -> str:
    """Entries under each query's keys and postings read (match_print's cut) in an index of
    Poisson draws around `expected(keys)` plus the query corpus's own entries (`own`)."""
    rng = np.random.default_rng(23)
    under, read = [], []
    for _, query in group:
        keys = query_keys(query)
        at = np.minimum(np.searchsorted(own[0], keys), len(own[0]) - 1)
        counts = rng.poisson(expected(keys)) + np.where(own[0][at] == keys, own[1][at], 0)
        under.append(counts.sum())
        read.append(counts[specific_keys(counts)].sum())
    return (
        f"| {label} | {len(group)} | {np.median(under):,.0f} / {np.percentile(under, 95):,.0f} "
        f"| {np.median(read):,.0f} / {np.percentile(read, 95):,.0f} |"
    )


async def project(args, prints, stats, background, clips) -> None:
    """Postings read per query at each of `args.project_hours` under each model, from the
    models' expected key counts (no index is built: a cheap look ahead of a scale run)."""
    dev_keys = np.concatenate([fp.hashes for fp in prints.values()])
    sources = {
        "independent": dev_keys,
        "joint": np.concatenate([fp.hashes for fp in background.values()]),
    }
    rates = corpus_rates(prints, stats["hashes_per_second_audio"])
    own = np.unique(dev_keys, return_counts=True)
    print("\nProjected, synthetic hours + the query corpus:\n")
    print("| hours, model, queries | n | entries under keys p50 / p95 | postings read p50 / p95 |")
    print("|---|---|---|---|")
    sizes: list[float] = [float(h) for h in args.project_hours.split(",")]
    models: list[str] = args.synthetic.split(",")
    for hours, model in product(sizes, models):
        expected = expectation(model, sources[model], rates, hours)
        for label, group in clips.items():
            print(projected_row(f"{hours:.0f} h, {model}, {label}", group, expected, own))


def halves(ids: dict[uuid.UUID, str], prints: dict[uuid.UUID, LandmarkFingerprint]):
    """The background's tracks in name order, alternately into the real index and into the
    joint model's source: the model is judged on music it did not draw from."""
    ordered = sorted(prints, key=ids.__getitem__)
    return {t: prints[t] for t in ordered[::2]}, {t: prints[t] for t in ordered[1::2]}


async def main() -> None:
    parser = argparse.ArgumentParser(description="Synthetic filler against real music")
    parser.add_argument("--corpus", type=Path, default=Path("/var/tmp/audio-ident-corpus"))
    parser.add_argument("--background", type=Path, default=Path("/var/tmp/audio-ident-unseen"))
    parser.add_argument("--synthetic", default="independent", help="comma-separated models")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/exact-realism"))
    parser.add_argument(
        "--project-hours", default="", help="only project the models to these sizes (a,b)"
    )
    args = parser.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    printer = CffiLandmarkFingerprinter()

    started = time.perf_counter()
    bg_ids, everything, _ = await store(args.background, InMemoryFingerprintIndex(), printer)
    held, source = halves(bg_ids, everything)
    real_path = args.work / "real"
    real = LmdbFingerprintIndex(real_path, key_shift=0)
    for track_id, fingerprint in held.items():
        await real.put(track_id, fingerprint)
    ids, prints, stats = await store(args.corpus, real, printer)
    hours = sum(fp.frames * fp.frame_seconds for fp in held.values()) / 3600
    print(
        f"real: {len(held)} of the background's {len(everything)} tracks, {hours:.2f} h, + the "
        f"query corpus {stats['audio_hours']:.2f} h; the joint model draws from the other "
        f"{len(source)} ({time.perf_counter() - started:.0f} s)"
    )
    clips = {
        "first pass, clean 10 s": await _clean_clips(
            args.corpus, _manifest(args.corpus / "queries", False), printer, ids
        ),
        "stretched pass, hard 5 s": await _hard_clips(
            args.corpus, _manifest(args.corpus / "queries-hard", False), printer, ids
        ),
    }
    if args.project_hours:
        await project(args, prints, stats, source, clips)
        return
    indexes = {"real": (real_path, real)}
    dev_keys = np.concatenate([fp.hashes for fp in prints.values()])
    rates = corpus_rates(prints, stats["hashes_per_second_audio"])
    other_keys = np.concatenate([fp.hashes for fp in source.values()])
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

"""Scale check: match time on an LMDB index filled with synthetic entries for N hours.

Synthetic keys follow the dev corpus's hash field histograms (real hashes are skewed: low
frequencies and short gaps are common; see key_weights), at the reference density measured
on the corpus, spread over fake 4-minute tracks. The real tracks are then added with `put`, and real
query clips are timed (fingerprint excluded: that does not depend on the index size).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import lmdb
import numpy as np

from adapters.lmdb_index.environment import close_environment, open_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.lmdb_index.layout import FRAMES, HASHES, META, NEXT, NUMBERS, SHIFT, u32, u64
from application.identify.exact_lookup import match_exact
from bench.exact_scale_triplets import triplet_chunks
from domain.exact.fingerprint import SCALE_FREE, LandmarkFingerprint
from domain.ports.fingerprint_index import FingerprintIndex

TRACK_FRAMES = 240 * 125  # fake tracks of 4 minutes
KEY_SPACE = 1 << 24
CHUNK_KEYS = 1 << 16


def key_weights(real_keys: np.ndarray) -> np.ndarray:
    """P(key) as the product of the corpus's f1, df and dt histograms (see landmarks.h).

    The joint histogram of 3 hours would put the synthetic hours on this corpus's own keys,
    which are exactly the query keys: far too pessimistic (an earlier run: 374 ms p50).
    Independent fields keep music's real skew (low bins, short gaps, small steps).
    """
    keys = real_keys.astype(np.int64)
    f1 = np.bincount(keys >> 15, minlength=512)[:512] + 0.5
    df = np.bincount((keys >> 7) & 255, minlength=256) + 0.5
    dt = np.bincount(keys & 127, minlength=128) + 0.5
    joint = np.multiply.outer(np.multiply.outer(f1 / f1.sum(), df / df.sum()), dt / dt.sum())
    return joint.reshape(KEY_SPACE)


def joint_weights(other_keys: np.ndarray) -> np.ndarray:
    """P(key) as the joint pair-key histogram of a corpus other than the query corpus.

    Each key's expected entry count is then what that corpus predicts for music at large
    (unbiased key by key, since the query's keys are not drawn from it), and the fields'
    correlations (a low note with a short gap) are music's own, which independent fields lose.
    """
    counts = np.bincount(other_keys.astype(np.int64), minlength=KEY_SPACE)[:KEY_SPACE]
    return counts / max(1, counts.sum())


MODELS = ("independent", "joint")


def fake_track_count(hours: float) -> int:
    return max(1, int(hours * 3600 / 240))


def synthetic_chunks(
    hours: float,
    per_second: tuple[float, float],
    real_keys: np.ndarray,
    fake_tracks: int,
    first: int = 1,
    step: int = 0,
    model: str = "independent",
    other_keys: np.ndarray | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Synthetic entries as (keys, values) chunks, pairs then triplets at their own rates
    (`per_second`): each chunk sorted and distinct, chunks in rising key order and never
    sharing a key (what LMDB's append mode needs, and a store written key by key). The
    fake tracks are numbered from `first`; each `step` of a growing index draws anew.
    Keys follow `model`: "independent" field histograms of `real_keys` (key_weights), or
    "joint", the joint histogram of `other_keys`, another corpus (joint_weights)."""
    source = real_keys if model == "independent" else other_keys
    if model not in MODELS or source is None:
        raise ValueError(f"model {model!r} needs its keys (models: {', '.join(MODELS)})")
    pair_keys = source[source < SCALE_FREE]
    rng = np.random.default_rng(2026 + 2 * step)
    total = hours * 3600 * per_second[0]
    weights = key_weights(pair_keys) if model == "independent" else joint_weights(pair_keys)
    expected = weights * total
    for start in range(0, KEY_SPACE, CHUNK_KEYS):
        counts = rng.poisson(expected[start : start + CHUNK_KEYS])
        keys = np.repeat(np.arange(start, start + CHUNK_KEYS, dtype=np.uint32), counts)
        tracks = rng.integers(first, first + fake_tracks, len(keys), dtype=np.uint64)
        times = rng.integers(0, TRACK_FRAMES, len(keys), dtype=np.uint64)
        values = (tracks << np.uint64(32)) | times
        order = np.lexsort((values, keys))
        keys, values = keys[order], values[order]
        fresh = np.ones(len(keys), bool)
        fresh[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
        yield keys[fresh], values[fresh]
    triplets = source[source >= SCALE_FREE]
    joint = model == "joint"
    yield from triplet_chunks(hours, per_second[1], triplets, (first, fake_tracks), step, joint)


def corpus_rates(
    real: dict[uuid.UUID, LandmarkFingerprint], per_second: float
) -> tuple[float, float]:
    """Pairs and triplets per second of audio, in the corpus's proportion."""
    keys = np.concatenate([fp.hashes for fp in real.values()])
    share = float(np.mean(keys >= SCALE_FREE))
    return per_second * (1 - share), per_second * share


def grow_synthetic(
    path: Path,
    hours: float,
    per_second: tuple[float, float],
    real_keys: np.ndarray,
    step: int = 0,
    enough_memory: Callable[[], bool] = lambda: True,
    model: str = "independent",
    other_keys: np.ndarray | None = None,
) -> tuple[int, int]:
    """Add `hours` of synthetic entries to the LMDB index at `path` (made if absent), its
    fake tracks numbered after every track it holds, so each key's new values sort after
    its old ones and append mode (APPENDDUP) still takes them. Stops early, between
    chunks, once `enough_memory()` says no. `model` and `other_keys`: see synthetic_chunks.
    Returns (fake tracks, entries written)."""
    fake_tracks = fake_track_count(hours)
    env = open_environment(path, readonly=False)
    db = env.open_db(HASHES, dupsort=True, dupfixed=True)
    with env.begin(db=env.open_db(META)) as txn:
        first = int.from_bytes(txn.get(NEXT, u32(1)), "big")
    entries = 0
    chunks = synthetic_chunks(
        hours, per_second, real_keys, fake_tracks, first, step, model, other_keys
    )
    for keys, values in chunks:
        if not enough_memory():
            break
        _append(env, db, keys, values)
        entries += len(values)
    _register_fake_tracks(env, first, fake_tracks)
    return fake_tracks, entries


def _append(env: lmdb.Environment, db, keys: np.ndarray, values: np.ndarray) -> None:
    raw_keys = keys.astype(">u4").tobytes()
    raw_values = values.astype(">u8").tobytes()
    items = [
        (raw_keys[4 * i : 4 * i + 4], raw_values[8 * i : 8 * i + 8])
        for i in range(len(raw_keys) // 4)
    ]
    with env.begin(write=True, db=db) as txn:
        txn.cursor().putmulti(items, dupdata=True, append=True)


def _register_fake_tracks(env: lmdb.Environment, first: int, count: int) -> None:
    numbers, meta = env.open_db(NUMBERS), env.open_db(META)
    with env.begin(write=True) as txn:
        for number in range(first, first + count):
            txn.put(u32(number), uuid.uuid4().bytes + u32(TRACK_FRAMES), db=numbers)
        frames = int.from_bytes(txn.get(FRAMES, u64(0), db=meta), "big")
        txn.put(NEXT, u32(first + count), db=meta)
        txn.put(FRAMES, u64(frames + count * TRACK_FRAMES), db=meta)
        txn.put(SHIFT, u32(0), db=meta)


async def scale_check(
    path: Path,
    hours: float,
    per_second: float,
    real: dict[uuid.UUID, LandmarkFingerprint],
    queries: dict[str, list[tuple[uuid.UUID, LandmarkFingerprint]]],
    small: FingerprintIndex | None = None,
    model: str = "independent",
    other_keys: np.ndarray | None = None,
) -> list[str]:
    """Fill `hours` of synthetic entries (`model`, see synthetic_chunks), add the corpus, time
    each group of query prints; on the `small` index (the corpus alone) first, if given."""
    lines = []
    if small is not None:
        lines.append("The same query prints on the corpus's own index, for comparison:")
        for label, group in queries.items():
            lines.append(await time_group(small, label, group))
    started, cpu = time.perf_counter(), time.process_time()
    keys = np.concatenate([fp.hashes for fp in real.values()])
    rates = corpus_rates(real, per_second)
    fake, entries = grow_synthetic(path, hours, rates, keys, model=model, other_keys=other_keys)
    fill_seconds, fill_cpu = time.perf_counter() - started, time.process_time() - cpu
    index = LmdbFingerprintIndex(path, key_shift=0)
    for track_id, fingerprint in real.items():
        await index.put(track_id, fingerprint)
    size = disk_bytes(path)
    lines.append(
        f"Scale check: {hours:.0f} h of synthetic entries ({model} keys; {fake} fake tracks, "
        f"{entries:,} entries, pairs and triplets at the corpus's rates, filled in "
        f"{fill_seconds:.0f} s wall / {fill_cpu:.0f} s CPU, {size / 1e9:.2f} GB on disk = "
        f"{size / 1e6 / hours:.1f} MB/h) + the corpus:"
    )
    for label, group in queries.items():
        lines.append(await time_group(index, label, group))
    lines.append(memory_line())
    close_environment(path)
    return lines


def memory_line() -> str:
    """This process's resident memory, split: anonymous (its own heap) against file pages
    (the LMDB map's pages it has touched, which are the kernel's page cache, shared)."""
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())

    def mb(table: dict[str, str], name: str) -> float:
        return int(table[name].split()[0]) / 1024

    return (
        f"- Memory after the queries: RSS {mb(status, 'VmRSS'):.0f} MB = "
        f"{mb(status, 'RssAnon'):.0f} MB anonymous + {mb(status, 'RssFile'):.0f} MB file "
        f"pages (the LMDB map, page cache); peak RSS {mb(status, 'VmHWM'):.0f} MB; machine "
        f"page cache {mb(meminfo, 'Cached'):.0f} MB of {mb(meminfo, 'MemTotal'):.0f} MB."
    )


def disk_bytes(path: Path) -> int:
    return sum(os.stat(p).st_blocks * 512 for p in path.rglob("*") if p.is_file())


async def timed(
    index: FingerprintIndex, queries: list[tuple[uuid.UUID, LandmarkFingerprint]]
) -> tuple[list[float], int]:
    """Match-only latencies (ms) of each query, and how many put the right track on top."""
    for _, query in queries[:3]:
        await match_exact(index, query, 3)  # warm the page cache like a running service
    latencies, right = [], 0
    for track_id, query in queries:
        began = time.perf_counter()
        found = await match_exact(index, query, 3)
        latencies.append((time.perf_counter() - began) * 1000)
        right += bool(found) and found[0].track_id == track_id
    return latencies, right


async def time_group(
    index: FingerprintIndex, label: str, queries: list[tuple[uuid.UUID, LandmarkFingerprint]]
) -> str:
    latencies, right = await timed(index, queries)
    return (
        f"- {len(queries)} {label}, match only: p50 {np.percentile(latencies, 50):.1f} ms, "
        f"p95 {np.percentile(latencies, 95):.1f} ms; {right}/{len(queries)} right track on top."
    )

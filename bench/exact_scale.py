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
from pathlib import Path

import lmdb
import numpy as np

from adapters.lmdb_index.environment import close_environment, open_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.lmdb_index.layout import FRAMES, HASHES, META, NEXT, NUMBERS, SHIFT, u32, u64
from domain.fingerprint import LandmarkFingerprint

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


def fill_synthetic(path: Path, hours: float, per_second: float, real_keys: np.ndarray) -> int:
    """Bulk-load sorted synthetic entries (append mode); returns the number of fake tracks."""
    rng = np.random.default_rng(2026)
    total = hours * 3600 * per_second
    expected = key_weights(real_keys) * total
    fake_tracks = max(1, int(hours * 3600 / 240))
    env = open_environment(path, readonly=False)
    db = env.open_db(HASHES, dupsort=True, dupfixed=True)
    for start in range(0, KEY_SPACE, CHUNK_KEYS):
        counts = rng.poisson(expected[start : start + CHUNK_KEYS])
        keys = np.repeat(np.arange(start, start + CHUNK_KEYS, dtype=np.uint32), counts)
        tracks = rng.integers(1, fake_tracks + 1, len(keys), dtype=np.uint64)
        times = rng.integers(0, TRACK_FRAMES, len(keys), dtype=np.uint64)
        values = (tracks << np.uint64(32)) | times
        order = np.lexsort((values, keys))  # append mode needs (key, value) strictly rising
        keys, values = keys[order], values[order]
        fresh = np.ones(len(keys), bool)
        fresh[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
        raw_keys = keys[fresh].astype(">u4").tobytes()
        raw_values = values[fresh].astype(">u8").tobytes()
        items = [
            (raw_keys[4 * i : 4 * i + 4], raw_values[8 * i : 8 * i + 8])
            for i in range(len(raw_keys) // 4)
        ]
        with env.begin(write=True, db=db) as txn:
            txn.cursor().putmulti(items, dupdata=True, append=True)
    _register_fake_tracks(env, fake_tracks)
    return fake_tracks


def _register_fake_tracks(env: lmdb.Environment, count: int) -> None:
    numbers, meta = env.open_db(NUMBERS), env.open_db(META)
    with env.begin(write=True) as txn:
        for number in range(1, count + 1):
            txn.put(u32(number), uuid.uuid4().bytes + u32(TRACK_FRAMES), db=numbers)
        txn.put(NEXT, u32(count + 1), db=meta)
        txn.put(FRAMES, u64(count * TRACK_FRAMES), db=meta)
        txn.put(SHIFT, u32(0), db=meta)


async def scale_check(
    path: Path,
    hours: float,
    per_second: float,
    real: dict[uuid.UUID, LandmarkFingerprint],
    queries: list[tuple[uuid.UUID, LandmarkFingerprint]],
) -> list[str]:
    started = time.perf_counter()
    keys = np.concatenate([fp.hashes for fp in real.values()])
    fake = fill_synthetic(path, hours, per_second, keys)
    fill_seconds = time.perf_counter() - started
    index = LmdbFingerprintIndex(path, key_shift=0)
    return await _time_queries(path, index, hours, fake, fill_seconds, real, queries)


async def _time_queries(path, index, hours, fake, fill_seconds, real, queries) -> list[str]:
    for track_id, fingerprint in real.items():
        await index.put(track_id, fingerprint)
    size = sum(os.stat(p).st_blocks * 512 for p in path.rglob("*") if p.is_file())
    for _, query in queries[:3]:
        await index.match(query, 3)  # warm the page cache like a running service
    latencies, right = [], 0
    for track_id, query in queries:
        began = time.perf_counter()
        found = await index.match(query, 3)
        latencies.append((time.perf_counter() - began) * 1000)
        right += bool(found) and found[0].track_id == track_id
    close_environment(path)
    return [
        f"Scale check: {hours:.0f} h of synthetic entries ({fake} fake tracks, filled in "
        f"{fill_seconds:.0f} s, {size / 1e9:.2f} GB on disk) + the corpus; "
        f"{len(queries)} clean 10 s corpus clips, first-pass match only: p50 "
        f"{np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms; "
        f"{right}/{len(queries)} still right.",
    ]

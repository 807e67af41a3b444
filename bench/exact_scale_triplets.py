"""Synthetic triplet entries for the scale check (see exact_scale.py, which fills pairs).

Triplet keys are drawn field by field (band, span class, time ratio, two frequency ratios;
layout in adapters/landmarks/landmarks.h) from the corpus's own field histograms, so the
synthetic hours keep music's skew without copying the corpus's joint keys. Chunks go by
(band, span class), the key's top fields, so the keys arrive in rising order as LMDB's
append mode needs, after the pair keys (which all lie below the family bit). With `joint`,
each chunk's keys are drawn instead from the corpus's own triplet keys in that chunk (the
joint histogram: pass another corpus than the queries', see exact_scale.joint_weights).
"""

from __future__ import annotations

import numpy as np

from domain.exact.fingerprint import SCALE_FREE

FIELDS = ((22, 32), (18, 16), (14, 16), (7, 128), (0, 128))  # (shift, cells) from the top
TRACK_FRAMES = 240 * 125


def triplet_chunks(
    hours: float,
    per_second: float,
    real_keys: np.ndarray,
    tracks: tuple[int, int],
    step: int,
    joint: bool = False,
):
    """Yield (keys, values) per (band, span) chunk: sorted, distinct, ready for putmulti.
    `tracks` is (first number, count) of the fake tracks; each `step` draws anew."""
    rng = np.random.default_rng(2027 + 2 * step)
    first, fake_tracks = tracks
    keys = real_keys.astype(np.int64)
    odds = [_histogram((keys >> shift) & (cells - 1), cells) for shift, cells in FIELDS]
    ordered = np.sort(keys)
    tops = (ordered >> 18) & 511  # (band, span), the chunk of each key: rising with the key
    total = hours * 3600 * per_second
    pool = ordered[:0]
    for band in range(32):
        for span in range(16):
            if joint:
                low, high = np.searchsorted(tops, [band << 4 | span, (band << 4 | span) + 1])
                pool = ordered[low:high]
                count = rng.poisson(total * len(pool) / max(1, len(keys)))
            else:
                count = rng.poisson(total * odds[0][band] * odds[1][span])
            if count == 0:
                continue
            if joint:
                chunk = rng.choice(pool, count).astype(np.uint32)
            else:
                chunk = _draw_fields(rng, count, odds, band, span)
            numbers = rng.integers(first, first + fake_tracks, count, dtype=np.uint64)
            times = rng.integers(0, TRACK_FRAMES, count, dtype=np.uint64)
            values = (numbers << np.uint64(32)) | times
            order = np.lexsort((values, chunk))
            chunk, values = chunk[order], values[order]
            fresh = np.ones(count, bool)
            fresh[1:] = (chunk[1:] != chunk[:-1]) | (values[1:] != values[:-1])
            yield chunk[fresh], values[fresh]


def triplet_weights(keys: np.ndarray, real_keys: np.ndarray) -> np.ndarray:
    """P(key) of each of `keys` under the field-by-field model of `real_keys` (as drawn above)."""
    keys, real = keys.astype(np.int64), real_keys.astype(np.int64)
    weights = np.ones(len(keys))
    for shift, cells in FIELDS:
        weights *= _histogram((real >> shift) & (cells - 1), cells)[(keys >> shift) & (cells - 1)]
    return weights


def _draw_fields(rng, count: int, odds: list[np.ndarray], band: int, span: int) -> np.ndarray:
    """`count` keys of one (band, span) chunk, the lower fields drawn independently."""
    drawn = [
        rng.choice(cells, count, p=p) for (_, cells), p in zip(FIELDS[2:], odds[2:], strict=True)
    ]
    low = (drawn[0] << 14) | (drawn[1] << 7) | drawn[2]
    return (SCALE_FREE | (band << 22) | (span << 18) | low).astype(np.uint32)


def _histogram(values: np.ndarray, cells: int) -> np.ndarray:
    counts = np.bincount(values, minlength=cells)[:cells] + 0.5
    return counts / counts.sum()

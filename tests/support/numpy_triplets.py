"""Triplet hashes in plain Python: the twin of adapters/landmarks/triplets.c, cell for cell.

The same fields, cells and probed cell edges as the C code (see landmarks.h), so that the
numpy fingerprinter indexes and queries the same hash family, and a test can hold the two
implementations to identical output on the same peaks.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from domain.exact.fingerprint import SCALE_FREE

FAMILY = SCALE_FREE
BAND_PER_OCTAVE, BAND_BASE = 4.0, 12
SPAN_PER_OCTAVE = 2.0
RATIO_CELLS = 16.0
FREQ_PER_OCTAVE, FREQ_CELLS = 12.0, 96
SCALE_MARGIN = 0.35


def triplet_hashes(
    peaks: npt.NDArray[np.int64],
    fanout: int,
    tolerant: bool,
    dt_range: tuple[int, int] = (2, 63),
    df_max: int = 96,
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """Hashes and anchor frames of the triplets of (frame, bin) peaks sorted by time."""
    hashes: list[int] = []
    times: list[int] = []
    rows = [(int(t), int(f)) for t, f in peaks]
    for i, (t1, f1) in enumerate(rows):
        targets = _targets(rows, i, fanout, dt_range, df_max)
        for a, second in enumerate(targets):
            for third in targets[a + 1 :]:
                if third[0] <= second[0]:
                    continue
                made = _cells_of((t1, f1), second, third, tolerant)
                hashes += made
                times += [t1] * len(made)
    return np.asarray(hashes, np.uint64), np.asarray(times, np.uint32)


def _targets(
    rows: list[tuple[int, int]], i: int, fanout: int, dt_range: tuple[int, int], df_max: int
) -> list[tuple[int, int]]:
    t1, f1 = rows[i]
    found: list[tuple[int, int]] = []
    for t, f in rows[i + 1 :]:
        if len(found) >= fanout or t - t1 > dt_range[1]:
            break
        if t - t1 >= dt_range[0] and abs(f - f1) <= df_max:
            found.append((t, f))
    return found


def _cells_of(
    first: tuple[int, int], second: tuple[int, int], third: tuple[int, int], tolerant: bool
) -> list[int]:
    span = float(third[0] - first[0])
    f1, f2, f3 = (float(max(1, p[1])) for p in (first, second, third))
    on = 1.0 if tolerant else 0.0
    fields = [
        _cells(BAND_PER_OCTAVE * math.log2(f1) - BAND_BASE, 31, on * SCALE_MARGIN),
        _cells(SPAN_PER_OCTAVE * math.log2(span), 15, on * _capped(SCALE_MARGIN + 0.72 / span)),
        _cells(RATIO_CELLS * (second[0] - first[0]) / span, 15, on * _capped(8.0 / span)),
        _freq_cells(f2, f1, on),
        _freq_cells(f3, f1, on),
    ]
    shifts = (22, 18, 14, 7, 0)
    combos = [0]
    for values, shift in zip(fields, shifts, strict=True):
        combos = [c | (v << shift) for c in combos for v in values]
    return [FAMILY | c for c in combos]


def _freq_cells(f: float, f1: float, on: float) -> list[int]:
    margin = on * _capped(FREQ_PER_OCTAVE * 0.72 / min(f, f1))
    return _cells(FREQ_PER_OCTAVE * math.log2(f / f1) + FREQ_CELLS / 2, FREQ_CELLS - 1, margin)


def _capped(margin: float) -> float:
    return min(margin, 0.95)


def _cells(x: float, last: int, margin: float) -> list[int]:
    """As cells() in triplets.c: the clamped cell of x, then neighbours near its edges."""
    c = math.floor(x)
    cell = min(max(c, 0), last)
    out = [cell]
    if margin <= 0.0:
        return out
    if x - c < margin and cell > 0 and c <= last:
        out.append(cell - 1)
    if c + 1.0 - x < margin and cell < last and c >= 0:
        out.append(cell + 1)
    return out

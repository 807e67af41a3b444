"""Alignment of a query that may be time-scaled: fit offset *and* slope to the hits.

A clip time-stretched by a factor s (key-locked tempo change, or a record off-speed) puts
its hits on the line ref_time = s * query_time + offset instead of at one offset. Hough
voting over a grid of slopes fine enough that one step drifts by less than an offset bin
across the whole query finds the line in one pass over the hits; the best cell per track is
then refined by a least-squares fit to the hits near it and verified like a plain offset
(distinct query times and hashes within TOLERANCE frames of the fitted line). Each slope
tried is one more chance for noise, so the chance model counts them as extra windows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from domain.exact.alignment import (
    MIN_ALIGNED,
    OFFSET_BIN,
    TOLERANCE,
    Alignment,
    align,
    chance_confidence,
    hits_per_track,
    neighbour_counts,
    thinned_points,
)
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import Hits, in_sorted

MAX_TRACKS = 16  # tracks voted over: those with the densest coarse clump of hits


def align_query(
    hits: Hits,
    track_frames: Callable[[int], int],
    index_frames: int,
    query: LandmarkFingerprint,
    limit: int,
) -> list[Alignment]:
    """What every index calls: a plain offset vote, or a line fit for a stretchable query."""
    if query.stretch > 0:
        return align_scaled(
            hits, track_frames, index_frames, query.span_frames, limit, query.stretch
        )
    return align(hits, track_frames, index_frames, query.span_frames, limit)


def slope_grid(query_frames: int, stretch: float) -> npt.NDArray[np.float64]:
    """Slopes 1 - stretch .. 1 + stretch, apart by one offset bin of drift from the query's
    middle to either end (lines are voted on by their offset at the middle)."""
    step = 2 * OFFSET_BIN / max(1, query_frames)
    count = int(np.ceil(stretch / step))
    return 1.0 + step * np.arange(-count, count + 1, dtype=np.float64)


def align_scaled(
    hits: Hits,
    track_frames: Callable[[int], int],
    index_frames: int,
    query_frames: int,
    limit: int,
    stretch: float,
) -> list[Alignment]:
    """Like landmark_alignment.align, for a query scaled in time by up to 1 +- stretch."""
    if len(hits.tracks) == 0 or limit <= 0:
        return []
    per_track = hits_per_track(hits.tracks)
    voters = _clumped(hits, query_frames, stretch)
    if not voters.any():
        return []
    slopes = slope_grid(query_frames, stretch)
    windows = len(slopes) * (index_frames + len(per_track) * query_frames) / (2 * TOLERANCE + 1)
    middle = query_frames / 2
    found: list[Alignment] = []
    q = hits.query_times.astype(np.float64)
    r = hits.ref_times.astype(np.float64)
    for track, slope, centre in _cells(hits, voters, slopes, middle, limit):
        rows = np.flatnonzero(hits.tracks == track)  # the track's hits, in their order
        fitted = _fit(q[rows], r[rows], hits.hashes[rows], slope, centre - slope * middle, stretch)
        if fitted is None:
            continue
        slope, offset, aligned, count = fitted
        aligned_mask = np.zeros(len(hits.tracks), np.bool_)
        aligned_mask[rows[aligned]] = True
        span = max(1, track_frames(track) + query_frames)
        rate = per_track[track] * (2 * TOLERANCE + 1) / span
        confidence = chance_confidence(count, rate, max(1.0, windows))
        query_times = hits.query_times[aligned_mask]
        found.append(
            Alignment(
                track,
                offset,
                count,
                int(query_times.min()),
                int(query_times.max()),
                confidence,
                thinned_points(hits, aligned_mask),
                slope,
            )
        )
    found.sort(key=lambda a: (-a.confidence, -a.aligned))
    return found[:limit]


def _clumped(hits: Hits, query_frames: int, stretch: float) -> npt.NDArray[np.bool_]:
    """Hits in the densest clumps: windows that hold every slope's line through them.

    At slope s a hit at query time q sits (s - 1) * q away from its slope-1 offset, so each
    line the grid tries fits in two neighbouring windows of stretch * query_frames: a true
    match piles its hits into them, chance spreads hits over whole tracks. Only the hits of
    the MAX_TRACKS densest window pairs vote, which bounds the cost of the fine vote.
    """
    width = max(OFFSET_BIN, int(np.ceil(stretch * query_frames)))
    coarse = np.floor_divide(hits.ref_times - hits.query_times, width)
    keys = (hits.tracks << 32) + (coarse + (1 << 31))
    cells, counts = np.unique(keys, return_counts=True)
    merged = counts + neighbour_counts(cells, counts, 1)
    best = cells[np.argsort(-merged, kind="stable")[:MAX_TRACKS]]
    best = np.sort(best[merged[np.searchsorted(cells, best)] >= MIN_ALIGNED])
    if len(best) == 0:
        return np.zeros(len(keys), np.bool_)
    return in_sorted(keys, best) | in_sorted(keys - 1, best)


def _cells(
    hits: Hits,
    keep: npt.NDArray[np.bool_],
    slopes: npt.NDArray[np.float64],
    middle: float,
    limit: int,
) -> list[tuple[int, float, int]]:
    """The best (track, slope, bin start of the offset at the query's middle) per track."""
    tracks, local = np.unique(hits.tracks[keep], return_inverse=True)
    q = hits.query_times[keep].astype(np.float64) - middle
    r = hits.ref_times[keep].astype(np.float64)
    who = local.astype(np.int64)
    bins = np.floor((r[None, :] - slopes[:, None] * q[None, :]) / OFFSET_BIN).astype(np.int64)
    rows = np.arange(len(slopes), dtype=np.int64)[:, None] * len(tracks) + who[None, :]
    keys = ((rows << 32) + (bins + (1 << 31))).ravel()
    cells, counts = np.unique(keys, return_counts=True)
    merged = counts + neighbour_counts(cells, counts, -1) + neighbour_counts(cells, counts, 1)
    chosen: dict[int, tuple[int, float, int]] = {}
    for index in np.argsort(-merged, kind="stable"):
        if merged[index] < MIN_ALIGNED or len(chosen) >= 8 * limit + 8:
            break
        row = int(cells[index] >> 32)
        track = int(tracks[row % len(tracks)])
        if track not in chosen:
            centre = (int(cells[index] & 0xFFFFFFFF) - (1 << 31)) * OFFSET_BIN
            chosen[track] = (track, float(slopes[row // len(tracks)]), centre)
    return list(chosen.values())


def _fit(
    q: npt.NDArray[np.float64],
    r: npt.NDArray[np.float64],
    hashes: npt.NDArray[np.uint64],
    slope: float,
    centre: float,
    stretch: float,
) -> tuple[float, float, npt.NDArray[np.bool_], int] | None:
    """Least-squares line through one track's hits (query and reference times, hashes)
    near a cell, then which of them lie within TOLERANCE of it. Given the track's hits
    only, not all of them: the candidates of a print are up to 16 tracks."""
    residual = r - slope * q
    near = (residual >= centre - OFFSET_BIN) & (residual < centre + 2 * OFFSET_BIN)
    if not near.any():
        return None
    offset = float(np.median(residual[near]))
    for _ in range(2):
        aligned = np.abs(r - slope * q - offset) <= TOLERANCE + 1
        if len(np.unique(q[aligned])) >= MIN_ALIGNED and np.ptp(q[aligned]) > 0:
            fitted_slope, offset = np.polyfit(q[aligned], r[aligned], 1)
            slope = float(np.clip(fitted_slope, 1.0 - stretch, 1.0 + stretch))
            offset = float(np.mean(r[aligned] - slope * q[aligned]))
    aligned = np.abs(r - slope * q - offset) <= TOLERANCE
    count = min(len(np.unique(q[aligned])), len(np.unique(hashes[aligned])))
    if count < MIN_ALIGNED:
        return None
    return slope, offset, aligned, count

"""Voting for aligned landmark hits, verification, and how unlikely the alignment is by chance.

Pure numpy so that every FingerprintIndex adapter (LMDB, in-memory) scores identically; the
C code only makes hashes. A true match is many hits sharing one offset (reference time minus
query time). Votes go to coarse offset bins merged with their neighbours; the best bins are
then verified by re-counting distinct query times within a narrow band of the fitted offset.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt

from domain.fingerprint import LandmarkFingerprint
from domain.matches import ExactMatch

OFFSET_BIN = 4  # frames per coarse offset bin (32 ms at 8 ms frames)
TOLERANCE = 2  # frames either side of the fitted offset that still count as aligned
MIN_ALIGNED = 4  # fewer aligned query times than this is never reported
_TRACK_SHIFT = 32

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Hits:
    """Index entries sharing a hash with the query: one row per (query hash, entry) pair."""

    query_times: Int64Array
    tracks: Int64Array
    ref_times: Int64Array


@dataclass(frozen=True, slots=True)
class Alignment:
    """A verified hypothesis: the query sits at `offset_frames` in `track`."""

    track: int
    offset_frames: float
    aligned: int
    query_first: int
    query_last: int
    confidence: float


def align(
    hits: Hits, track_frames: Mapping[int, int], query_frames: int, limit: int
) -> list[Alignment]:
    """The best alignment per track, most confident first, at most `limit` of them."""
    if len(hits.tracks) == 0 or limit <= 0:
        return []
    offsets = hits.ref_times - hits.query_times
    coarse = np.floor_divide(offsets, OFFSET_BIN)
    keys = (hits.tracks << _TRACK_SHIFT) + (coarse + (1 << 31))
    bins, counts = np.unique(keys, return_counts=True)
    merged = counts + _neighbour_counts(bins, counts, -1) + _neighbour_counts(bins, counts, 1)
    order = np.argsort(-merged, kind="stable")
    per_track = _hits_per_track(hits.tracks)
    windows = sum(_windows(track_frames.get(t, 0), query_frames) for t in per_track)

    seen: set[int] = set()
    found: list[Alignment] = []
    for index in order[: 8 * limit + 8]:
        if merged[index] < MIN_ALIGNED:
            break
        track = int(bins[index] >> _TRACK_SHIFT)
        if track in seen:
            continue
        seen.add(track)
        centre = (int(bins[index] & ((1 << _TRACK_SHIFT) - 1)) - (1 << 31)) * OFFSET_BIN
        candidate = _verify(hits, offsets, track, centre)
        if candidate is None:
            continue
        offset, aligned, first, last = candidate
        rate = per_track[track] * (2 * TOLERANCE + 1) / (track_frames.get(track, 0) + query_frames)
        confidence = chance_confidence(aligned, rate, windows)
        found.append(Alignment(track, offset, aligned, first, last, confidence))
    found.sort(key=lambda a: (-a.confidence, -a.aligned))
    return found[:limit]


def _neighbour_counts(bins: Int64Array, counts: npt.NDArray[np.intp], step: int) -> Int64Array:
    position = np.clip(np.searchsorted(bins, bins + step), 0, len(bins) - 1)
    return np.where(bins[position] == bins + step, counts[position], 0).astype(np.int64)


def _hits_per_track(tracks: Int64Array) -> dict[int, int]:
    values, counts = np.unique(tracks, return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts, strict=True)}


def _windows(track_frames: int, query_frames: int) -> float:
    return max(1.0, (track_frames + query_frames) / (2 * TOLERANCE + 1))


def _verify(
    hits: Hits, offsets: Int64Array, track: int, centre: int
) -> tuple[float, int, int, int] | None:
    """Fit the offset around a coarse bin and count distinct query times aligned with it."""
    near = (
        (hits.tracks == track)
        & (offsets >= centre - OFFSET_BIN)
        & (offsets < centre + 2 * OFFSET_BIN)
    )
    if not near.any():
        return None
    fitted = float(np.median(offsets[near]))
    aligned = near & (np.abs(offsets - fitted) <= TOLERANCE)
    query_times = np.unique(hits.query_times[aligned])
    if len(query_times) < MIN_ALIGNED:
        return None
    fitted = float(np.mean(offsets[aligned]))
    return fitted, len(query_times), int(query_times[0]), int(query_times[-1])


def chance_confidence(aligned: int, rate: float, windows: float) -> float:
    """exp(-E), E = expected number of offset windows this well aligned by chance.

    Chance hits of a track are spread evenly over its possible offsets, so one window of
    (2 * TOLERANCE + 1) frames gets Poisson(`rate`) of them; `windows` such windows were
    searched across all tracks that had hits.
    """
    if aligned <= 0:
        return 0.0
    rate = max(rate, 1e-9)
    if aligned <= rate:
        return 0.0
    log_pmf = -rate + aligned * math.log(rate) - math.lgamma(aligned + 1)
    log_tail = log_pmf - math.log1p(-rate / (aligned + 1))  # geometric bound on the rest
    log_expected = math.log(windows) + log_tail
    if log_expected > 5.0:
        return 0.0
    return math.exp(-math.exp(log_expected))


def to_exact_matches(
    alignments: list[Alignment], query: LandmarkFingerprint, track_ids: Mapping[int, UUID]
) -> list[ExactMatch]:
    """Alignments in seconds; query times are mapped back from the reference axis by speed."""
    seconds = query.frame_seconds
    return [
        ExactMatch(
            track_id=track_ids[a.track],
            offset_seconds=round(a.offset_frames * seconds, 4),
            aligned_hashes=a.aligned,
            confidence=a.confidence,
            query_start=round(a.query_first * seconds / query.speed, 4),
            query_end=round((a.query_last + 1) * seconds / query.speed, 4),
        )
        for a in alignments
        if a.track in track_ids
    ]

"""Voting for aligned landmark hits, verification, and how unlikely the alignment is by chance.

Pure numpy so that every FingerprintIndex adapter (LMDB, in-memory) scores identically; the
C code only makes hashes. A true match is many hits sharing one offset (reference time minus
query time). Votes go to coarse offset bins merged with their neighbours; the best bins are
then verified by re-counting distinct query times and hashes within a narrow band of the
fitted offset.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt

from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import Hits
from domain.matches import ExactMatch

OFFSET_BIN = 4  # frames per coarse offset bin (32 ms at 8 ms frames)
TOLERANCE = 2  # frames either side of the fitted offset that still count as aligned
MIN_ALIGNED = 4  # fewer aligned query times than this is never reported
CLUMP = 3.0  # chance hits arrive in clumps of about this many (see chance_confidence)
MAX_POINTS = 200  # aligned hits kept per match to show why it matched (evenly spread)
_TRACK_SHIFT = 32

Int64Array = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Alignment:
    """A verified hypothesis: the query sits at `offset_frames` in `track`.

    `points` are (query time, reference time) frame pairs of aligned hits, one per query
    time, at most MAX_POINTS of them spread evenly over the query.
    """

    track: int
    offset_frames: float
    aligned: int
    query_first: int
    query_last: int
    confidence: float
    points: tuple[tuple[int, int], ...] = ()
    slope: float = 1.0  # reference frames per query frame (1.1: the query is 10 % faster)


def align(
    hits: Hits,
    track_frames: Callable[[int], int],
    index_frames: int,
    query_frames: int,
    limit: int,
) -> list[Alignment]:
    """The best alignment per track, most confident first, at most `limit` of them.

    `track_frames(n)` is the length of track n and `index_frames` the length of the whole
    index (both in frames): together with the query length they say how many offset windows
    chance had to fill, so a score means the same for 10 tracks and for 100,000.
    """
    if len(hits.tracks) == 0 or limit <= 0:
        return []
    offsets = hits.ref_times - hits.query_times
    coarse = np.floor_divide(offsets, OFFSET_BIN)
    keys = (hits.tracks << _TRACK_SHIFT) + (coarse + (1 << 31))
    bins, counts = np.unique(keys, return_counts=True)
    merged = counts + neighbour_counts(bins, counts, -1) + neighbour_counts(bins, counts, 1)
    order = np.argsort(-merged, kind="stable")
    per_track = hits_per_track(hits.tracks)
    windows = (index_frames + len(per_track) * query_frames) / (2 * TOLERANCE + 1)

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
        offset, aligned, first, last, points = candidate
        span = max(1, track_frames(track) + query_frames)
        rate = per_track[track] * (2 * TOLERANCE + 1) / span
        confidence = chance_confidence(aligned, rate, max(1.0, windows))
        found.append(Alignment(track, offset, aligned, first, last, confidence, points))
    found.sort(key=lambda a: (-a.confidence, -a.aligned))
    return found[:limit]


def neighbour_counts(bins: Int64Array, counts: npt.NDArray[np.intp], step: int) -> Int64Array:
    position = np.clip(np.searchsorted(bins, bins + step), 0, len(bins) - 1)
    return np.where(bins[position] == bins + step, counts[position], 0).astype(np.int64)


def hits_per_track(tracks: Int64Array) -> dict[int, int]:
    if len(tracks) and int(tracks.max()) < max(1 << 16, len(tracks)):
        # Track numbers are small integers: counting them costs less than sorting the hits.
        counts = np.bincount(tracks)
        values = np.flatnonzero(counts)
        return dict(zip(values.tolist(), counts[values].tolist(), strict=True))
    values, counts = np.unique(tracks, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist(), strict=True))


def _verify(
    hits: Hits, offsets: Int64Array, track: int, centre: int
) -> tuple[float, int, int, int, tuple[tuple[int, int], ...]] | None:
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
    # A held note or a reverb tail repeats one hash at a steady pace, and two such ridges
    # line up at some offset by chance: so a hash counts once, however often it aligned.
    count = min(len(query_times), len(np.unique(hits.hashes[aligned])))
    if count < MIN_ALIGNED:
        return None
    fitted = float(np.mean(offsets[aligned]))
    return fitted, count, int(query_times[0]), int(query_times[-1]), thinned_points(hits, aligned)


def thinned_points(hits: Hits, aligned: npt.NDArray[np.bool_]) -> tuple[tuple[int, int], ...]:
    """One aligned hit per query time, thinned evenly to at most MAX_POINTS."""
    query_times, first = np.unique(hits.query_times[aligned], return_index=True)
    ref_times = hits.ref_times[aligned][first]
    if len(query_times) > MAX_POINTS:
        keep = np.linspace(0, len(query_times) - 1, MAX_POINTS).round().astype(np.intp)
        query_times, ref_times = query_times[keep], ref_times[keep]
    return tuple(zip(query_times.tolist(), ref_times.tolist(), strict=True))


def chance_confidence(aligned: int, rate: float, windows: float) -> float:
    """exp(-E), E = expected number of offset windows this well aligned by chance.

    Chance hits of a track spread over its possible offsets, so one window of
    (2 * TOLERANCE + 1) frames gets about `rate` of them; `windows` such windows were
    searched across all tracks that had hits. Music repeats itself (a held chord, a loop),
    so chance hits come in clumps: they are modelled as Poisson clumps of CLUMP hits each,
    CLUMP fitted so that unknown dev-corpus clips stay below confidence 0.5.
    """
    if aligned <= 0:
        return 0.0
    clumps = aligned / CLUMP
    mean = max(rate / CLUMP, 1e-12)
    if clumps <= mean:
        return 0.0
    log_pmf = -mean + clumps * math.log(mean) - math.lgamma(clumps + 1)
    log_tail = log_pmf - math.log1p(-mean / (clumps + 1))  # geometric bound on the rest
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
            aligned_points=tuple(
                (round(q * seconds / query.speed, 4), round(r * seconds, 4)) for q, r in a.points
            ),
            speed=round(query.speed * a.slope, 4),
        )
        for a in alignments
        if a.track in track_ids
    ]

"""Index entries that share a hash with a query, joined back to the query's times.

An index entry is one 64-bit value, track number in the high half and reference time (frames)
in the low half, so that entries sort by track then time and a track's entries under one hash
are contiguous (what lets an index delete a track exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from domain.exact.fingerprint import LandmarkFingerprint

Int64Array = npt.NDArray[np.int64]
MAX_HITS_PER_HASH = 2_000  # a hash this common says nothing about where the query is
KEEP_SHARE = 0.75  # fetch the query's keys up to this quantile of their entry counts ...
ALWAYS_KEEP = 64  # ... and any key holding this few entries
# Entries a print may read at most, rarest keys first. A print's cost is the entries it reads
# (postings, join, votes), and in a large index a stretched print's keys hold millions even
# after the quarter's cut (1.55 M at 1,300 h); the rarest keys say the most about where the
# query is. Far above what small indexes read (stretched prints: 84 k p95 at 11 h).
POSTINGS_BUDGET = 250_000


@dataclass(frozen=True, slots=True)
class Hits:
    """One row per (query hash occurrence, index entry) pair with equal hashes."""

    query_times: Int64Array
    tracks: Int64Array
    ref_times: Int64Array
    hashes: npt.NDArray[np.uint64]


def pack_entries(track: int, times: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint64]:
    """Index values for one track: (track << 32) | time."""
    return (np.uint64(track) << np.uint64(32)) | times.astype(np.uint64)


def distinct_entries(
    keys: npt.NDArray[np.uint64], values: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Distinct (key, value) pairs, sorted by key then value: what an index stores.

    Sorted as two integer columns, not as records: numpy compares records one by one with
    the GIL held (60 ms for a 6-minute track, during which the service's event loop, and
    with it /health, stood still); integer sorts release it and are six times faster.
    """
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    first = np.ones(len(keys), np.bool_)
    first[1:] = (keys[1:] != keys[:-1]) | (values[1:] != values[:-1])
    return keys[first], values[first]


def in_sorted(values: npt.NDArray[Any], sorted_set: npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """np.isin for a sorted array of distinct values, by bisection (isin sorts both)."""
    if len(sorted_set) == 0:
        return np.zeros(len(values), np.bool_)
    position = np.minimum(np.searchsorted(sorted_set, values), len(sorted_set) - 1)
    return sorted_set[position] == values


def query_keys(query: LandmarkFingerprint) -> npt.NDArray[np.uint64]:
    """The distinct hashes to look up, sorted."""
    return np.unique(query.hashes)


def specific_keys(
    counts: npt.NDArray[np.int64], budget: int = POSTINGS_BUDGET
) -> npt.NDArray[np.bool_]:
    """Which of the query's keys to fetch, given how many entries each holds in the index.

    In a large index the commonest quarter of a query's keys (low notes, short gaps) holds
    most of the entries it would fetch while adding few aligned hits: skipping them cuts a
    lookup's cost about threefold at 1,000 hours. A small index never gets there. Of the rest,
    the rarest are kept while their entries fit `budget` (keys of equal count all or none).
    """
    if len(counts) == 0:
        return np.zeros(0, np.bool_)
    limit = max(float(ALWAYS_KEEP), float(np.quantile(counts, KEEP_SHARE)))
    kept = counts <= limit
    if int(counts[kept].sum()) <= budget:
        return kept
    levels, per_level = np.unique(counts[kept], return_counts=True)
    spent = np.cumsum(levels * per_level)
    affordable = levels[spent <= budget]
    ceiling = int(affordable[-1]) if len(affordable) else -1
    return kept & (counts <= ceiling)


def join_hits(
    query: LandmarkFingerprint,
    entry_hashes: npt.NDArray[np.uint64],
    entry_values: npt.NDArray[np.uint64],
) -> Hits:
    """Pair every looked-up entry with every query time at which its hash occurs."""
    empty = np.zeros(0, np.int64)
    if len(entry_hashes) == 0 or len(query.hashes) == 0:
        return Hits(empty, empty, empty, np.zeros(0, np.uint64))
    # The entries come sorted by hash (the port's promise): each hash is one run of them.
    starts = np.flatnonzero(np.concatenate([[True], entry_hashes[1:] != entry_hashes[:-1]]))
    per_key = np.diff(starts, append=len(entry_hashes))
    if (per_key > MAX_HITS_PER_HASH).any():
        keep = np.repeat(per_key <= MAX_HITS_PER_HASH, per_key)
        entry_hashes, entry_values = entry_hashes[keep], entry_values[keep]
    order = np.argsort(query.hashes, kind="stable")
    sorted_hashes = query.hashes[order]
    sorted_times = query.times[order].astype(np.int64)
    lo = np.searchsorted(sorted_hashes, entry_hashes, side="left")
    hi = np.searchsorted(sorted_hashes, entry_hashes, side="right")
    repeats = hi - lo
    entry_index = np.repeat(np.arange(len(entry_hashes)), repeats)
    starts = np.repeat(lo - np.cumsum(repeats) + repeats, repeats)
    query_index = starts + np.arange(len(entry_index))
    values = entry_values[entry_index]
    return Hits(
        query_times=sorted_times[query_index],
        tracks=(values >> np.uint64(32)).astype(np.int64),
        ref_times=(values & np.uint64(0xFFFFFFFF)).astype(np.int64),
        hashes=entry_hashes[entry_index],
    )

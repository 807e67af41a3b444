"""The entries under a query's keys, in one read transaction of the `hashes` database.

Which keys are worth reading depends on how many entries each holds (specific_keys). For
pair keys that is asked key by key before anything is read: in a large index their
commonest quarter holds most of the entries, and reading them only to drop them would cost
more than the asking. Triplet keys (the SCALE_FREE family) are spread over a space as large
as the pairs' and a query has four times as many of them, nearly all absent or rare: they
are read in one call and counted from what came back, which saves the per-key round trip
through Python that made the count most of a stretched lookup's cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from adapters.lmdb_index.layout import ENTRY
from domain.fingerprint import SCALE_FREE
from domain.landmark_hits import specific_keys

Entries = npt.NDArray[np.void]  # of dtype ENTRY


def wanted_entries(cursor: Any, stored_keys: npt.NDArray[np.uint64], shift: int) -> Entries:
    """Entries (ENTRY records, by key) under the specific ones of `stored_keys`, which are
    sorted, distinct and already shifted as the index stores them."""
    raw = stored_keys.astype(">u4").tobytes()
    keys = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    scale_free = stored_keys >= np.uint64(SCALE_FREE >> shift)
    pairs = np.flatnonzero(~scale_free).tolist()
    counts = np.zeros(len(keys), np.int64)
    counts[pairs] = [cursor.count() if cursor.set_key(keys[i]) else 0 for i in pairs]
    triplets = _read(cursor, [keys[i] for i in np.flatnonzero(scale_free).tolist()])
    found, per_key = np.unique(triplets["key"], return_counts=True)
    counts[np.searchsorted(stored_keys, found.astype(np.uint64))] = per_key
    keep = specific_keys(counts, scale_free)
    kept_pairs = _read(cursor, [keys[i] for i in np.flatnonzero(keep & ~scale_free).tolist()])
    dropped = stored_keys[scale_free & ~keep]
    if len(dropped):
        triplets = triplets[~np.isin(triplets["key"].astype(np.uint64), dropped)]
    return np.concatenate([kept_pairs, triplets])  # pair keys sort below triplet keys


def _read(cursor: Any, keys: list[bytes]) -> Entries:
    if not keys:
        return np.zeros(0, ENTRY)
    found = cursor.getmulti(keys, dupdata=True, dupfixed_bytes=8, keyfixed=True)
    return np.frombuffer(found, ENTRY) if len(found) else np.zeros(0, ENTRY)

"""The entries under a query's keys, in one read transaction of the `hashes` database.

Which keys are worth reading depends on how many entries each holds (specific_keys). In a
large index that is asked key by key before anything is read: the commonest quarter of a
query's keys holds most of the entries, and reading them only to drop them would cost more
than the asking (at 1,000 hours, reading the triplet keys first doubled the stretched
pass's p95). In a small index no key holds many, and the asking (a round trip through
Python per key: a stretched query has ~10,000 keys, mostly triplets) was most of the
lookup's cost: there the triplet keys are read in one call and counted from what came
back. Both ways select the same keys, so results do not depend on the size; only the cost.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from adapters.lmdb_index.layout import ENTRY
from domain.exact.fingerprint import SCALE_FREE
from domain.exact.hits import specific_keys

Entries = npt.NDArray[np.void]  # of dtype ENTRY
# Below this many entries (about 35 hours of audio) reading every triplet key costs less
# than asking each for its count: measured 6-14 ms saved at 3.4 h, 2x lost at 1,000 h.
COUNT_FIRST_ENTRIES = 20_000_000


def wanted_entries(
    cursor: Any, stored_keys: npt.NDArray[np.uint64], shift: int, index_entries: int
) -> Entries:
    """Entries (ENTRY records, by key) under the specific ones of `stored_keys`, which are
    sorted, distinct and already shifted as the index stores them; `index_entries` is how
    many the index holds in all."""
    raw = stored_keys.astype(">u4").tobytes()
    keys = [raw[i : i + 4] for i in range(0, len(raw), 4)]
    scale_free = stored_keys >= np.uint64(SCALE_FREE >> shift)
    read_first = scale_free if index_entries < COUNT_FIRST_ENTRIES else np.zeros_like(scale_free)
    asked = np.flatnonzero(~read_first).tolist()
    counts = np.zeros(len(keys), np.int64)
    counts[asked] = [cursor.count() if cursor.set_key(keys[i]) else 0 for i in asked]
    early = _read(cursor, [keys[i] for i in np.flatnonzero(read_first).tolist()])
    found, per_key = np.unique(early["key"], return_counts=True)
    counts[np.searchsorted(stored_keys, found.astype(np.uint64))] = per_key
    keep = specific_keys(counts)
    later = _read(cursor, [keys[i] for i in np.flatnonzero(keep & ~read_first).tolist()])
    dropped = stored_keys[read_first & ~keep]
    if len(dropped):
        early = early[~np.isin(early["key"].astype(np.uint64), dropped)]
    return np.concatenate([later, early])  # early holds triplet keys only: they sort last


def _read(cursor: Any, keys: list[bytes]) -> Entries:
    if not keys:
        return np.zeros(0, ENTRY)
    found = cursor.getmulti(keys, dupdata=True, dupfixed_bytes=8, keyfixed=True)
    return np.frombuffer(found, ENTRY) if len(found) else np.zeros(0, ENTRY)

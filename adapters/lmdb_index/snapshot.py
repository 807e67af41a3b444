"""The LMDB index seen through one read transaction: what the matcher asks of an index.

How a key's entry count is learnt depends on the index's size. In a large index each key is
asked for its count before anything is read: the matcher drops the commonest quarter of a
query's keys, which hold most of the entries, and reading them only to drop them would cost
more than the asking (at 1,000 hours, reading the triplet keys first doubled the stretched
pass's p95). In a small index no key holds many, and the asking (a round trip through
Python per key: a stretched query has ~10,000 keys, mostly triplets) was most of the
lookup's cost: there the triplet keys are read in one call, counted from what came back,
and kept for `postings`; in a smaller index still the pair keys too (asked for counts
first, most of them were then read anyway). An index whose keys hold several hashes (key
shift > 0, for small libraries) reads every key at once and counts per hash. The counts
are the same whichever way; only the cost differs.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import lmdb
import numpy as np
import numpy.typing as npt

from adapters.lmdb_index.layout import ENTRY, FRAMES, HASHES, META, NUMBERS, split_entries, u32
from domain.exact.fingerprint import SCALE_FREE
from domain.exact.hits import in_sorted

U64 = npt.NDArray[np.uint64]
KEY_LIMIT = 1 << 32  # keys are 4 bytes: no larger hash is ever stored
# Below this many entries (about 35 hours of audio) reading every triplet key costs less
# than asking each for its count: measured 6-14 ms saved at 3.4 h, 2x lost at 1,000 h.
COUNT_FIRST_ENTRIES = 20_000_000
# Below this many entries the pair keys are read at once too: at 3.7 million (7.5 hours) that
# saved a tenth of the matching's CPU (the count round trips, then reading most of the same
# keys again); the dropped keys' entries grow with the index, so only about twice that.
PAIRS_FIRST_ENTRIES = 8_000_000


class LmdbSnapshot:
    """IndexSnapshot inside one read transaction (see the module's docstring)."""

    def __init__(
        self,
        txn: lmdb.Transaction,
        dbs: dict[bytes, Any],
        shift: int,
        count_first_entries: int = COUNT_FIRST_ENTRIES,
    ) -> None:
        self._txn, self._numbers, self._shift = txn, dbs[NUMBERS], shift
        self._count_first = count_first_entries
        self._cursor = txn.cursor(db=dbs[HASHES])
        self._held = int(txn.stat(dbs[HASHES])["entries"])
        self._frames = int.from_bytes(txn.get(FRAMES, bytes(8), db=dbs[META]), "big")
        self._rows: dict[int, bytes | memoryview | None] = {}
        empty = np.zeros(0, np.uint64)
        # Read by `counts`: the hashes asked, their entry counts, and the entries.
        self._read: tuple[U64, npt.NDArray[np.int64], U64, U64] = (
            empty,
            np.zeros(0, np.int64),
            empty,
            empty,
        )

    @property
    def total_frames(self) -> int:
        return self._frames

    def counts(self, hashes: U64) -> npt.NDArray[np.int64]:
        counts = np.zeros(len(hashes), np.int64)
        stored = hashes < np.uint64(KEY_LIMIT)
        if self._shift or self._held < min(self._count_first, PAIRS_FIRST_ENTRIES):
            read_first = stored
        elif self._held < self._count_first:
            read_first = stored & (hashes >= np.uint64(SCALE_FREE))
        else:
            read_first = np.zeros(len(hashes), np.bool_)
        early = hashes[read_first]
        found, values = self._entries(early)
        # `found` is sorted and holds only hashes asked, each one's entries in one run: a
        # key's count is its run's length, found by bisection (np.unique would sort again).
        runs = np.searchsorted(found, early, "right") - np.searchsorted(found, early, "left")
        self._read = (early, runs, found, values)
        counts[read_first] = runs
        asked = np.flatnonzero(stored & ~read_first)
        counts[asked] = [self._count(key) for key in hashes[asked].tolist()]
        return counts

    def postings(self, hashes: U64) -> tuple[U64, U64]:
        early, runs, found, values = self._read
        known = in_sorted(hashes, early)
        kept = np.repeat(in_sorted(early, hashes), runs)  # the runs of the keys still wanted
        fresh_hashes, fresh_values = self._entries(hashes[~known & (hashes < np.uint64(KEY_LIMIT))])
        all_hashes = np.concatenate([fresh_hashes, found[kept]])
        all_values = np.concatenate([fresh_values, values[kept]])
        if len(fresh_hashes) and kept.any() and fresh_hashes[-1] > found[kept][0]:
            order = np.argsort(all_hashes, kind="stable")  # both parts are sorted already
            all_hashes, all_values = all_hashes[order], all_values[order]
        return all_hashes, all_values

    def track_frames(self, number: int) -> int:
        row = self._row(number)
        return 0 if row is None else int.from_bytes(row[16:20], "big")

    def track_id(self, number: int) -> UUID | None:
        row = self._row(number)
        return None if row is None else UUID(bytes=bytes(row[:16]))

    def _row(self, number: int) -> bytes | memoryview | None:
        if number not in self._rows:  # read lazily: only candidates' rows are wanted
            self._rows[number] = self._txn.get(u32(number), db=self._numbers)
        return self._rows[number]

    def _count(self, hash_value: int) -> int:
        return self._cursor.count() if self._cursor.set_key(u32(hash_value)) else 0

    def _entries(self, hashes: U64) -> tuple[U64, U64]:
        """Full hashes and packed values of the entries of these hashes, sorted by both."""
        keys = np.unique(hashes >> np.uint64(self._shift))
        raw = keys.astype(">u4").tobytes()
        wanted = [raw[i : i + 4] for i in range(0, len(raw), 4)]
        found = (
            self._cursor.getmulti(wanted, dupdata=True, dupfixed_bytes=8, keyfixed=True)
            if wanted
            else b""
        )
        entries = np.frombuffer(found, ENTRY) if len(found) else np.zeros(0, ENTRY)
        full, values = split_entries(
            entries["key"].astype(np.uint64), entries["value"].astype(np.uint64), self._shift
        )
        if self._shift:  # a key holds several hashes: keep the ones asked, by hash
            keep = np.isin(full, hashes)
            full, values = full[keep], values[keep]
            order = np.argsort(full, kind="stable")
            full, values = full[order], values[order]
        return full, values

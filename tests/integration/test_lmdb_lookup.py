"""The LMDB index's key lookup reads exactly the entries specific_keys would keep."""

from __future__ import annotations

from pathlib import Path

import lmdb
import numpy as np
import pytest

from adapters.lmdb_index.layout import HASHES
from adapters.lmdb_index.lookup import COUNT_FIRST_ENTRIES, wanted_entries
from domain.exact.fingerprint import SCALE_FREE
from domain.exact.hits import specific_keys


@pytest.mark.parametrize("index_entries", [1_000, COUNT_FIRST_ENTRIES])  # read first, ask first
def test_the_commonest_quarter_is_dropped_whichever_way_keys_are_counted(
    tmp_path: Path, index_entries: int
) -> None:
    # Pair and triplet keys holding 80..640 entries (a big index's counts), and absent keys.
    counts = {key: 80 * (1 + i % 8) for i, key in enumerate(range(10, 26))}
    counts |= {SCALE_FREE + key: 80 * (1 + i % 8) for i, key in enumerate(range(7, 23))}
    env = lmdb.open(str(tmp_path), max_dbs=1, map_size=1 << 26)
    db = env.open_db(HASHES, dupsort=True, dupfixed=True)
    with env.begin(write=True, db=db) as txn:
        for key, count in counts.items():
            for value in range(count):
                txn.put(key.to_bytes(4, "big"), value.to_bytes(8, "big"), dupdata=True)
    absent = [3, 4, SCALE_FREE + 1, SCALE_FREE + 99]
    wanted = np.array(sorted([*counts, *absent]), np.uint64)
    with env.begin(db=db) as txn:
        entries = wanted_entries(txn.cursor(), wanted, 0, index_entries)
    true_counts = np.array([counts.get(int(k), 0) for k in wanted], np.int64)
    kept = specific_keys(true_counts)
    assert 0 < kept.sum() < len(counts)  # pair and triplet keys lost their commonest
    assert not kept[wanted < np.uint64(SCALE_FREE)].all()
    assert not kept[wanted >= np.uint64(SCALE_FREE)].all()
    keys, per_key = np.unique(entries["key"].astype(np.uint64), return_counts=True)
    expected = wanted[kept & (true_counts > 0)]
    assert keys.tolist() == expected.tolist()
    assert per_key.tolist() == true_counts[np.searchsorted(wanted, keys)].tolist()
    env.close()


def test_a_query_whose_keys_are_all_absent_reads_nothing(tmp_path: Path) -> None:
    env = lmdb.open(str(tmp_path), max_dbs=1)
    db = env.open_db(HASHES, dupsort=True, dupfixed=True)
    with env.begin(db=db) as txn:
        keys = np.array([5, SCALE_FREE + 5], np.uint64)
        for index_entries in (0, COUNT_FIRST_ENTRIES):
            assert len(wanted_entries(txn.cursor(), keys, 0, index_entries)) == 0
            nothing = np.zeros(0, np.uint64)
            assert len(wanted_entries(txn.cursor(), nothing, 0, index_entries)) == 0
    env.close()

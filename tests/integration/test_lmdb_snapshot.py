"""The LMDB snapshot counts and reads the same entries whichever way it learns the counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lmdb
import numpy as np
import pytest

from adapters.lmdb_index.layout import HASHES, META, NUMBERS
from adapters.lmdb_index.snapshot import LmdbSnapshot
from domain.exact.fingerprint import SCALE_FREE
from domain.exact.hits import specific_keys

READ_FIRST, ASK_FIRST = 1 << 40, 0  # the index size below which triplet keys are read first


def _open(path: Path) -> tuple[lmdb.Environment, dict[bytes, Any]]:
    env = lmdb.open(str(path), max_dbs=4, map_size=1 << 26)
    dbs = {
        name: env.open_db(name, dupsort=name == HASHES, dupfixed=name == HASHES)
        for name in (HASHES, NUMBERS, META)
    }
    return env, dbs


@pytest.mark.parametrize("count_first", [READ_FIRST, ASK_FIRST])
def test_the_commonest_quarter_is_dropped_whichever_way_keys_are_counted(
    tmp_path: Path, count_first: int
) -> None:
    # Pair and triplet keys holding 80..640 entries (a big index's counts), and absent keys.
    counts = {key: 80 * (1 + i % 8) for i, key in enumerate(range(10, 26))}
    counts |= {SCALE_FREE + key: 80 * (1 + i % 8) for i, key in enumerate(range(7, 23))}
    env, dbs = _open(tmp_path)
    with env.begin(write=True, db=dbs[HASHES]) as txn:
        for key, count in counts.items():
            for value in range(count):
                txn.put(key.to_bytes(4, "big"), value.to_bytes(8, "big"), dupdata=True)
    absent = [3, 4, SCALE_FREE + 1, SCALE_FREE + 99]
    wanted = np.array(sorted([*counts, *absent]), np.uint64)
    with env.begin() as txn:
        snapshot = LmdbSnapshot(txn, dbs, 0, count_first_entries=count_first)
        seen = snapshot.counts(wanted)
        kept = specific_keys(seen)
        hashes, _ = snapshot.postings(wanted[kept])
    true_counts = np.array([counts.get(int(k), 0) for k in wanted], np.int64)
    assert seen.tolist() == true_counts.tolist()
    assert 0 < kept.sum() < len(counts)  # pair and triplet keys lost their commonest
    assert not kept[wanted < np.uint64(SCALE_FREE)].all()
    assert not kept[wanted >= np.uint64(SCALE_FREE)].all()
    keys, per_key = np.unique(hashes, return_counts=True)
    expected = wanted[kept & (true_counts > 0)]
    assert keys.tolist() == expected.tolist()
    assert per_key.tolist() == true_counts[np.searchsorted(wanted, keys)].tolist()
    assert np.all(np.diff(hashes.astype(np.int64)) >= 0)  # sorted by hash, as the port says
    env.close()


def test_a_query_whose_keys_are_all_absent_reads_nothing(tmp_path: Path) -> None:
    env, dbs = _open(tmp_path)
    with env.begin() as txn:
        keys = np.array([5, SCALE_FREE + 5], np.uint64)
        for count_first in (READ_FIRST, ASK_FIRST):
            snapshot = LmdbSnapshot(txn, dbs, 0, count_first_entries=count_first)
            assert snapshot.counts(keys).tolist() == [0, 0]
            assert len(snapshot.postings(keys)[0]) == 0
            nothing = np.zeros(0, np.uint64)
            assert len(snapshot.counts(nothing)) == 0
            assert len(snapshot.postings(nothing)[0]) == 0
    env.close()

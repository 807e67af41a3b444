"""The entries a put writes: distinct, sorted by key then value, as LMDB wants them."""

from __future__ import annotations

import numpy as np

from adapters.lmdb_index.layout import ENTRY, unique_entries


def test_entries_are_the_distinct_pairs_sorted_by_key_then_value() -> None:
    rng = np.random.default_rng(4)
    keys = rng.integers(0, 40, 5_000).astype(np.uint64)  # many repeats of each key
    values = rng.integers(0, 30, 5_000).astype(np.uint64) << np.uint64(33)  # above 32 bits
    entries = unique_entries(keys, values)
    assert entries.dtype == ENTRY
    as_records = np.unique(np.rec.fromarrays([keys, values], dtype=ENTRY))
    assert entries.tobytes() == as_records.tobytes()
    pairs = list(zip(entries["key"].tolist(), entries["value"].tolist(), strict=True))
    assert pairs == sorted(set(zip(keys.tolist(), values.tolist(), strict=True)))


def test_no_entries_give_an_empty_array() -> None:
    empty = np.zeros(0, np.uint64)
    assert len(unique_entries(empty, empty)) == 0

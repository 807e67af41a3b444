"""The Redis index's key layout: a group's postings share one slot, groups spread the
hashes evenly over many slots, and nothing a caller names can break a hash tag."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from redis.crc import key_slot

from adapters.redis_index.layout import (
    GROUPS,
    Keys,
    Row,
    TrackRecord,
    check_namespace,
    groups_of,
    posting_keys,
)
from domain.exact.analysis import INDEXED
from tests.support.synthetic import synthetic_track


async def test_a_groups_keys_share_a_slot_and_groups_spread_over_slots(fingerprinter) -> None:
    (print_,) = await fingerprinter.prints(synthetic_track(5), [INDEXED])
    hashes = np.unique(print_.hashes.astype(np.uint64))
    prefixes = Keys("fp").group_prefixes(3)
    by_group = posting_keys(prefixes, hashes)
    for group, (at, keys) in by_group.items():
        assert {key_slot(key) for key in keys} == {key_slot(prefixes[group])}
        assert [key[-4:] for key in keys] == [hashes[i].item().to_bytes(4, "big") for i in at]
    assert len({key_slot(prefix) for prefix in prefixes}) > 0.95 * GROUPS
    # Landmark hashes have structured low bits; the groups still come out even.
    sizes = np.bincount(groups_of(hashes), minlength=GROUPS)
    assert sizes.max() < 3 * len(hashes) / GROUPS


def test_the_root_and_a_generations_numbers_share_a_slot_and_postings_do_not() -> None:
    keys = Keys("fp")
    assert key_slot(keys.root) == key_slot(keys.numbers(7))
    track = keys.track(7, uuid.UUID(int=5))
    assert track.startswith(keys.prefix(7)) and b"{" not in track
    assert all(prefix.startswith(keys.prefix(7)) for prefix in keys.group_prefixes(7))


@pytest.mark.parametrize("namespace", ["", "a{b}", "fp*", "a b", "x" * 65, "fp?"])
def test_a_namespace_that_could_hold_a_tag_or_a_pattern_is_refused(namespace: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        check_namespace(namespace)


def test_records_and_rows_read_back_what_was_written() -> None:
    record = TrackRecord(9, 3, 1200, np.asarray([5, 1 << 31, 7], np.uint64))
    back = TrackRecord.decode(record.encode())
    assert (back.number, back.entries, back.frames) == (9, 3, 1200)
    assert back.hashes.tolist() == [5, 1 << 31, 7]
    row = Row(uuid.UUID(int=42), 1200, 3, 0)
    assert Row.decode(row.encode_head() + (17).to_bytes(4, "big")) == Row(row.track_id, 1200, 3, 17)

"""The pure matching maths in domain/: joining hits, choosing keys, chance confidence."""

from __future__ import annotations

import numpy as np

from domain.exact.alignment import MAX_POINTS, align, chance_confidence
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import ALWAYS_KEEP, Hits, join_hits, pack_entries, specific_keys


def test_join_pairs_every_entry_with_every_query_time_of_its_hash() -> None:
    query = LandmarkFingerprint(
        np.array([7, 5, 7], np.uint64), np.array([10, 20, 30], np.uint32), 0.008
    )
    hits = join_hits(
        query, np.array([7, 9], np.uint64), pack_entries(3, np.array([100, 200], np.uint32))
    )
    assert sorted(hits.query_times.tolist()) == [10, 30]
    assert hits.tracks.tolist() == [3, 3]
    assert hits.ref_times.tolist() == [100, 100]


def test_specific_keys_skips_only_the_common_quarter_of_a_big_index() -> None:
    assert specific_keys(np.array([0, 1, ALWAYS_KEEP], np.int64)).all()
    big = np.arange(100, dtype=np.int64) * 10
    kept = specific_keys(big)
    assert kept[:75].all() and not kept[76:].any()


def test_past_its_budget_a_print_reads_its_rarest_keys() -> None:
    counts = np.array([500, 10, 300, 10, 200, 100, 900, 2_000], np.int64)
    # The quarter's cut leaves 10, 10, 100, 200, 300, 500 (1,120 entries); 700 fit up to 300.
    kept = specific_keys(counts, budget=700)
    assert counts[kept].tolist() == [10, 300, 10, 200, 100]
    assert specific_keys(counts, budget=5).sum() == 0
    # Under the budget the cut is the quarter's alone.
    assert (specific_keys(counts, budget=10_000) == specific_keys(counts)).all()


def test_aligned_hits_beat_scattered_ones() -> None:
    rng = np.random.default_rng(1)
    query_times = np.arange(40, dtype=np.int64) * 7
    scattered = rng.integers(0, 30_000, 400)
    hits_query = np.concatenate([query_times, rng.integers(0, 280, 400)])
    hits_ref = np.concatenate([query_times + 5_000, scattered])
    hits_track = np.concatenate([np.full(40, 1), rng.integers(2, 9, 400)]).astype(np.int64)
    hashes = np.arange(len(hits_ref), dtype=np.uint64)
    found = align(Hits(hits_query, hits_track, hits_ref, hashes), lambda _: 30_000, 240_000, 280, 3)
    assert found[0].track == 1 and found[0].aligned == 40
    assert abs(found[0].offset_frames - 5_000) < 0.5 and found[0].confidence > 0.999
    assert all(a.confidence < 0.5 for a in found[1:])


def test_confidence_grows_with_aligned_hits_and_falls_with_the_index() -> None:
    assert chance_confidence(0, 0.1, 1e5) == 0.0
    assert chance_confidence(6, 0.05, 1e5) < chance_confidence(20, 0.05, 1e5)
    assert chance_confidence(12, 0.05, 1e9) < chance_confidence(12, 0.05, 1e5)


def test_an_alignment_carries_its_aligned_hits_thinned_evenly() -> None:
    query_times = np.repeat(np.arange(500, dtype=np.int64) * 3, 2)  # each time hit twice
    ref_times = query_times + 800 + np.tile([0, 1], 500)
    hits = Hits(query_times, np.ones(1000, np.int64), ref_times, np.arange(1000, dtype=np.uint64))
    (found,) = align(hits, lambda _: 5_000, 5_000, 1_500, 1)
    assert len(found.points) == MAX_POINTS
    queries = [q for q, _ in found.points]
    assert queries == sorted(set(queries))  # one point per query time
    assert queries[0] == 0 and queries[-1] == 1_497
    assert all(abs(r - q - found.offset_frames) <= 1 for q, r in found.points)

"""Line fitting of stretched queries: known answers on synthetic hits at known time scales."""

from __future__ import annotations

import numpy as np
import pytest

from domain.exact.alignment import OFFSET_BIN, align
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import Hits
from domain.exact.slopes import align_query, align_scaled, slope_grid

TRACK_FRAMES, TRACKS, QUERY_FRAMES = 30_000, 8, 625  # 4 min tracks, a 5 s query


def hits_on_a_line(slope: float, offset: int, aligned: int, noise: int, seed: int = 0) -> Hits:
    """`aligned` hits of track 3 on ref = slope * query + offset (+-1 frame of jitter), and
    `noise` hits scattered over all tracks."""
    rng = np.random.default_rng(seed)
    q_true = np.sort(rng.integers(0, QUERY_FRAMES, aligned))
    r_true = np.round(slope * q_true + offset + rng.integers(-1, 2, aligned))
    q_noise = rng.integers(0, QUERY_FRAMES, noise)
    r_noise = rng.integers(0, TRACK_FRAMES, noise)
    tracks = np.concatenate([np.full(aligned, 3), rng.integers(0, TRACKS, noise)])
    hashes = rng.integers(0, 1 << 30, aligned + noise).astype(np.uint64)
    return Hits(
        np.concatenate([q_true, q_noise]).astype(np.int64),
        tracks.astype(np.int64),
        np.concatenate([r_true, r_noise]).astype(np.int64),
        hashes,
    )


def scaled_alignments(hits: Hits, limit: int = 3):
    return align_scaled(
        hits, lambda _: TRACK_FRAMES, TRACKS * TRACK_FRAMES, QUERY_FRAMES, limit, 0.12
    )


@pytest.mark.parametrize("slope", [0.9, 0.95, 1.0, 1.05, 1.1])
def test_the_fitted_line_recovers_the_time_scale_and_offset(slope: float) -> None:
    (best, *_) = scaled_alignments(hits_on_a_line(slope, 12_000, aligned=40, noise=3_000))
    assert best.track == 3
    assert abs(best.slope - slope) < 0.004
    assert abs(best.offset_frames - 12_000) <= 2
    assert best.aligned >= 35 and best.confidence > 0.99


def test_a_plain_offset_vote_loses_a_ten_percent_stretch_that_the_line_fit_finds() -> None:
    hits = hits_on_a_line(1.1, 5_000, aligned=30, noise=2_000, seed=1)
    plain = align(hits, lambda _: TRACK_FRAMES, TRACKS * TRACK_FRAMES, QUERY_FRAMES, 3)
    assert not plain or plain[0].track != 3 or plain[0].aligned < 15
    assert scaled_alignments(hits)[0].aligned >= 25


def test_scattered_hits_give_no_confident_line() -> None:
    for seed in range(5):
        found = scaled_alignments(hits_on_a_line(1.0, 0, aligned=0, noise=4_000, seed=seed))
        assert all(a.confidence < 0.5 for a in found)


def test_each_slope_tried_costs_confidence() -> None:
    hits = hits_on_a_line(1.0, 9_000, aligned=9, noise=3_000, seed=2)
    (plain, *_) = align(hits, lambda _: TRACK_FRAMES, TRACKS * TRACK_FRAMES, QUERY_FRAMES, 1)
    (scaled, *_) = scaled_alignments(hits, limit=1)
    assert plain.track == scaled.track == 3
    assert scaled.confidence < plain.confidence


def test_the_slope_grid_drifts_at_most_one_bin_across_the_query() -> None:
    slopes = slope_grid(QUERY_FRAMES, 0.12)
    assert slopes.min() <= 0.88 and slopes.max() >= 1.12
    assert np.allclose(np.diff(slopes) * QUERY_FRAMES / 2, OFFSET_BIN)
    assert np.any(np.isclose(slopes, 1.0))


def test_a_query_chooses_its_alignment_by_its_stretch() -> None:
    hits = hits_on_a_line(1.08, 7_000, aligned=40, noise=1_000, seed=3)
    empty = np.zeros(0, np.uint64)
    times = np.zeros(0, np.uint32)
    for stretch, fits_slope in ((0.0, False), (0.12, True)):
        query = LandmarkFingerprint(empty, times, 0.008, frames=QUERY_FRAMES, stretch=stretch)
        found = align_query(hits, lambda _: TRACK_FRAMES, TRACKS * TRACK_FRAMES, query, 1)
        assert (bool(found) and abs(found[0].slope - 1.08) < 0.004) == fits_slope

"""A sighting's extent: its aligned hits, less the chance ones that stand apart."""

from __future__ import annotations

import numpy as np

from domain.timeline.evidence import evidence_span


def test_stray_hits_after_a_track_ends_do_not_stretch_it() -> None:
    hits = [*np.arange(0.0, 5.0, 0.05).tolist(), 8.45, 9.16]  # the track ends at 5 s
    span = evidence_span(hits)
    assert span is not None and span[0] == 0.0 and abs(span[1] - 4.95) < 1e-9


def test_a_sparse_but_steady_match_keeps_its_last_hits() -> None:
    """A pitch-shifted track aligns a few hashes a second, up to the window's end."""
    hits = [0.13, 0.82, 0.87, 0.94, 1.93, 2.98, 3.24, 4.29, 5.71, 6.43, 7.5, 8.55, 8.93]
    assert evidence_span(hits) == (0.13, 8.93)


def test_a_stray_hit_before_a_track_starts_is_trimmed() -> None:
    hits = [0.4, *np.arange(4.0, 9.0, 0.1).tolist()]
    span = evidence_span(hits)
    assert span is not None and abs(span[0] - 4.0) < 1e-9


def test_a_lone_hit_far_from_the_rest_is_trimmed_and_no_hits_give_no_span() -> None:
    assert evidence_span([1.0, 1.1, 1.2, 9.0]) == (1.0, 1.2)
    assert evidence_span([]) is None


def test_a_fade_thins_out_its_hits_and_keeps_them() -> None:
    hits = [*np.arange(0.0, 2.0, 0.05).tolist(), 2.22, 2.8]
    span = evidence_span(hits)
    assert span is not None and span[1] == 2.8

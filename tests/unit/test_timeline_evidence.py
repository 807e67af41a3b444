"""A sighting's extent: its aligned hits, less the chance ones that stand alone."""

from __future__ import annotations

import numpy as np

from domain.timeline.evidence import evidence_span


def test_stray_hits_after_a_track_ends_do_not_stretch_it() -> None:
    hits = [*np.arange(0.0, 5.0, 0.05).tolist(), 8.45, 9.16]  # the track ends at 5 s
    span = evidence_span(hits)
    assert span is not None and span[0] == 0.0 and abs(span[1] - 4.95) < 1e-9


def test_a_thinning_fade_keeps_its_last_clustered_hits() -> None:
    hits = [0.0, 0.1, 0.2, 3.0, 3.5, 3.9, 6.0]
    assert evidence_span(hits) == (0.0, 3.9)


def test_hits_that_all_stand_alone_give_no_span() -> None:
    assert evidence_span([1.0, 3.0, 5.0]) is None
    assert evidence_span([]) is None

"""One function builds the exclude-tracks filter of both Qdrant libraries."""

from __future__ import annotations

from uuid import uuid4

import qdrant_edge as qe
from qdrant_client import models

from adapters.qdrant.filters import excluding_tracks
from adapters.qdrant.points import TRACK_ID


def test_each_library_gets_its_own_filter_of_the_excluded_tracks() -> None:
    tracks = [uuid4(), uuid4()]
    values = [str(t) for t in tracks]
    server = models.Filter(
        must_not=[models.FieldCondition(key=TRACK_ID, match=models.MatchAny(any=values))]
    )
    edge = qe.Filter(must_not=[qe.FieldCondition(key=TRACK_ID, match=qe.MatchAny(values))])
    assert excluding_tracks(models, tracks) == server
    assert repr(excluding_tracks(qe, tracks)) == repr(edge)  # no __eq__ on the Rust classes
    assert isinstance(excluding_tracks(qe, tracks), qe.Filter)


def test_nothing_to_exclude_is_no_filter() -> None:
    assert excluding_tracks(models, ()) is None
    assert excluding_tracks(qe, set()) is None

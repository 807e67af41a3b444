"""The filter both Qdrant adapters search with. qdrant_client.models and qdrant_edge are two
libraries with two sets of filter classes, but they spell Filter, FieldCondition and MatchAny
with the same keywords, so one function builds either, given the library's module."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol, TypeVar
from uuid import UUID

from adapters.qdrant.points import TRACK_ID

FilterT = TypeVar("FilterT", covariant=True)


class FilterClasses(Protocol[FilterT]):
    """The filter classes of a Qdrant library: `qdrant_client.models` or `qdrant_edge`."""

    @property
    def Filter(self) -> Callable[..., FilterT]: ...

    @property
    def FieldCondition(self) -> Callable[..., object]: ...

    @property
    def MatchAny(self) -> Callable[..., object]: ...


def excluding_tracks(
    classes: FilterClasses[FilterT], track_ids: Collection[UUID]
) -> FilterT | None:
    """A filter that leaves out every chunk of these tracks; None (no filter) for none."""
    if not track_ids:
        return None
    values = [str(track_id) for track_id in track_ids]
    match = classes.MatchAny(any=values)
    return classes.Filter(must_not=[classes.FieldCondition(key=TRACK_ID, match=match)])

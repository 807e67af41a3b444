"""Whether this process has seen its node's copy of each projection caught up since it
started: until then any lag at all means the node is still filling its index."""

from __future__ import annotations


class FirstCatchUp:
    """One per process. A node started on a log its index has not applied (a new node, one
    restarted after a crash or an outage) is behind by events that may be seconds old, so
    their age alone would call it ready with half an index; it is ready once its copy has
    reached the head once, and from then on only while the lag stays young."""

    def __init__(self) -> None:
        self._reached: set[str] = set()

    def observe(self, name: str, lag_events: int) -> bool:
        """Record a look at `name`'s lag; returns whether it has been caught up once."""
        if lag_events == 0:
            self._reached.add(name)
        return name in self._reached

"""Turns for refused clients: each is told to come back one drain interval after the one
told before it, so that a crowd refused together returns spread over the time the line
takes to drain, in the order it was refused, instead of all in the same second (where
whoever lands first after a slot frees wins, and the rest are refused again)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Turn:
    """What a refused client is told: come back in `retry_after_seconds` (whole seconds, as
    HTTP's Retry-After says them), after the answer is held `hold_seconds` (under one), so
    that the return lands on the turn instead of up to a second after it."""

    retry_after_seconds: int
    hold_seconds: float

    @property
    def rounded_up(self) -> int:
        """The whole seconds to the turn, for an answer that is not held."""
        return self.retry_after_seconds + (1 if self.hold_seconds > 0 else 0)


class ReturnSchedule:
    """One per admission. Times are the caller's clock (seconds); nothing here sleeps."""

    def __init__(self) -> None:
        self._booked_until = -math.inf  # the next free turn: one interval after the last

    def book(self, now: float, free_in: float, interval: float) -> Turn:
        """A turn for a client refused at `now`.

        `free_in`: how long until a job asked now would start (the work queued ahead);
        `interval`: seconds between two jobs starting while the line drains (the inverse of
        the measured drain rate). The client's job would start at the later of the two:
        when the queue ahead has drained, or one interval after the last client booked. It
        is asked back one interval earlier than that, so that it waits about one job in the
        queue: the slot then passes straight to it instead of idling until it arrives.
        """
        starts = max(now + free_in, self._booked_until)
        self._booked_until = starts + interval
        wait = starts - interval - now
        if wait < 1:  # Retry-After is at least a second
            return Turn(1, 0.0)
        whole = math.floor(wait)
        return Turn(whole, wait - whole)

    def booked_ahead(self, now: float) -> float:
        """Seconds of turns already promised past `now` (0 when none)."""
        return max(0.0, self._booked_until - now)

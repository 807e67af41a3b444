"""Turns for refused clients: each is told to come back one drain interval after the one
told before it, so that a crowd refused together returns spread over the time the line
takes to drain, in the order it was refused, instead of all in the same second (where
whoever lands first after a slot frees wins, and the rest are refused again).

A turn is kept until its client is back: the first request to arrive once a turn has come
takes it (requests carry no name, so it is taken by count, and the returns are timed to the
turn), and a newcomer that would start after a turn has come goes to the back of the line
instead of taking the place the returning client was promised.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

GRACE_SECONDS = 1.0  # a client later than this after its turn has lost it


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

    def __init__(self, grace_seconds: float = GRACE_SECONDS) -> None:
        self._booked_until = -math.inf  # the next free turn: one interval after the last
        self._due: deque[float] = deque()  # when each client told is back, in order
        self._grace = grace_seconds

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
            turn = Turn(1, 0.0)
        else:
            whole = math.floor(wait)
            turn = Turn(whole, wait - whole)
        self._due.append(now + turn.hold_seconds + turn.retry_after_seconds)
        return turn

    def claim(self, now: float) -> bool:
        """A request arriving at `now` takes the earliest turn that has come: True when
        there was one (it is, by count, a client that was told to be back by now)."""
        self._expire(now)
        if self._due and self._due[0] <= now:
            self._due.popleft()
            return True
        return False

    def next_turn(self, now: float) -> float | None:
        """When the earliest turn not yet taken comes (it may have come already)."""
        self._expire(now)
        return self._due[0] if self._due else None

    def _expire(self, now: float) -> None:
        while self._due and self._due[0] < now - self._grace:
            self._due.popleft()

    def booked_ahead(self, now: float) -> float:
        """Seconds of turns already promised past `now` (0 when none)."""
        return max(0.0, self._booked_until - now)

"""How long CPU jobs take: lately, and when one ran with no other job beside it.

The second is the admission's yardstick: what a job costs on a quiet service (the
1-client figure). The first, against it, says how much the jobs now in flight slow one
another (and how much other processes take from them).
"""

from __future__ import annotations

from dataclasses import dataclass

_WEIGHT = 0.2  # of the newest duration in each running mean (about the last 5 jobs)


@dataclass(slots=True)
class ServiceTimes:
    recent: float  # running mean of every job's duration, seconds
    alone: float  # running mean of the jobs that had no other job beside them
    timed: int = 0  # jobs timed so far
    _arrivals: int = 0  # jobs asked for so far: a job ran alone if none arrived during it

    @classmethod
    def assumed(cls, seconds: float) -> ServiceTimes:
        """Until the first job is timed, every job is assumed to take `seconds`."""
        return cls(seconds, seconds)

    def arrived(self) -> None:
        """Call for every job asked for, run, queued or refused alike."""
        self._arrivals += 1

    def started(self, alone: bool) -> int | None:
        """Call as a job starts; the token for `finished` (None: it has company already)."""
        return self._arrivals if alone else None

    def finished(self, token: int | None, seconds: float) -> None:
        if self.timed == 0:  # the first timing replaces both assumptions
            self.recent = self.alone = seconds
        else:
            self.recent += _WEIGHT * (seconds - self.recent)
            if token is not None and token == self._arrivals:  # no other job arrived meanwhile
                self.alone += _WEIGHT * (seconds - self.alone)
        self.timed += 1

    @property
    def slowdown(self) -> float:
        """How much slower jobs are now than alone (1.0: not at all)."""
        return max(1.0, self.recent / self.alone) if self.alone > 0 else 1.0

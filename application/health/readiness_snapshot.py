"""The latest readiness report, refreshed in the background, and how old it may grow.

A readiness probe that queries Postgres, LMDB and Qdrant itself answers only as fast as
they do, on an event loop that a loaded service keeps busy (issue 13 measured p95 444-876
ms at 64 clients). Answered from the last report instead, the probe does no I/O at all;
the report says how old it is, and one older than `max_age_seconds` (the refresher is
stuck or starved) counts as not ready.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from application.health.check_readiness import PROBE_TIMEOUT_SECONDS, Check, Readiness

REFRESH_SECONDS = 1.0
# A refresh can take the probes' timeout; two missed in a row mean the report is stale.
MAX_AGE_SECONDS = 2 * (REFRESH_SECONDS + PROBE_TIMEOUT_SECONDS)


@dataclass(frozen=True, slots=True)
class AgedReadiness:
    report: Readiness
    age_seconds: float
    max_age_seconds: float


class ReadinessSnapshot:
    """One per process: the refresher writes, the probe reads."""

    def __init__(
        self,
        max_age_seconds: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._max_age, self._clock = max_age_seconds, clock
        self._report: Readiness | None = None
        self._taken = 0.0

    async def refresh(self, check: Callable[[], Awaitable[Readiness]]) -> None:
        report = await check()
        self._report, self._taken = report, self._clock()

    def current(self) -> AgedReadiness:
        """The last report; not ready when there is none yet or it is too old."""
        if self._report is None:
            return AgedReadiness(_NOT_CHECKED, 0.0, self._max_age)
        age = self._clock() - self._taken
        report = self._report
        if age > self._max_age:
            stale = Check("down", True, None, f"readiness last checked {age:.1f} s ago")
            report = replace(
                report, status="not_ready", checks={**report.checks, "snapshot": stale}
            )
        return AgedReadiness(report, round(age, 3), self._max_age)


_NOT_CHECKED = Readiness(
    "not_ready", {"snapshot": Check("down", True, None, "readiness not checked yet")}, None
)

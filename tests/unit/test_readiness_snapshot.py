"""Readiness from the last background report: its age, and not ready once it is stale."""

from __future__ import annotations

from application.health.check_readiness import Check, Readiness
from application.health.readiness_snapshot import ReadinessSnapshot


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _ready() -> Readiness:
    return Readiness("ready", {"postgres": Check("ok", True, 1.5)}, 7)


async def test_no_report_yet_is_not_ready() -> None:
    current = ReadinessSnapshot(5.0, _Clock()).current()
    assert current.report.status == "not_ready"
    assert current.report.checks["snapshot"].detail == "readiness not checked yet"


async def test_the_last_report_is_answered_with_its_age_until_it_goes_stale() -> None:
    clock = _Clock()
    snapshot = ReadinessSnapshot(5.0, clock)
    await snapshot.refresh(_ready)
    clock.now += 2.5
    fresh = snapshot.current()
    assert fresh.report == await _ready()
    assert (fresh.age_seconds, fresh.max_age_seconds) == (2.5, 5.0)

    clock.now += 3.0  # 5.5 s: the refresher is stuck or starved
    stale = snapshot.current()
    assert stale.report.status == "not_ready" and stale.report.head == 7
    assert stale.report.checks["postgres"] == Check("ok", True, 1.5)
    assert stale.report.checks["snapshot"].state == "down"
    assert stale.report.checks["snapshot"].detail == "readiness last checked 5.5 s ago"

    await snapshot.refresh(_ready)
    assert snapshot.current().report.status == "ready"

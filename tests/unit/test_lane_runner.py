"""A lane's failure as `lanes` reports it: a store that is down leaves the lane
unavailable with the store's code; a bug is a failure."""

from __future__ import annotations

from application.identify.identify_result import LaneState
from application.identify.lane_runner import run_lane
from domain.errors import ErrorCode, IndexUnavailable


async def _raises(error: Exception) -> list[object]:
    raise error


async def test_an_index_that_is_down_leaves_the_lane_unavailable_with_its_code() -> None:
    down = IndexUnavailable("the fingerprint index cannot answer right now")
    found, report = await run_lane("exact", _raises(down), timeout=1.0)
    assert found == []
    assert (report.state, report.code) == (LaneState.UNAVAILABLE, ErrorCode.INDEX_UNAVAILABLE)
    assert report.code.status == 503
    assert report.reason == "the fingerprint index cannot answer right now"


async def test_a_bug_is_a_failed_lane() -> None:
    found, report = await run_lane("exact", _raises(KeyError("x")), timeout=1.0)
    assert found == []
    assert (report.state, report.code) == (LaneState.FAILED, ErrorCode.INTERNAL_ERROR)

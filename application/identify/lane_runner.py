"""Running one search lane under a deadline and reporting how it went."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from typing import TypeVar

from application.identify.identify_result import LaneReport, LaneState
from domain.errors import AudioIdentError, ErrorCode, LaneUnavailable, ServiceUnavailable

T = TypeVar("T")
log = logging.getLogger(__name__)


async def run_lane(
    name: str, work: Awaitable[list[T]], timeout: float
) -> tuple[list[T], LaneReport]:
    """The lane's results, or [] and the reason it gave none; never raises for a lane fault."""
    started = time.perf_counter()

    def report(
        state: LaneState, reason: str | None = None, code: ErrorCode | None = None
    ) -> LaneReport:
        return LaneReport(state, round((time.perf_counter() - started) * 1000, 1), reason, code)

    try:
        async with asyncio.timeout(timeout):
            found = await work
    except TimeoutError:
        return [], report(
            LaneState.TIMEOUT, f"no answer within {timeout:g} s", ErrorCode.SEARCH_TIMEOUT
        )
    except (LaneUnavailable, ServiceUnavailable) as error:
        # A store that is down (e.g. INDEX_UNAVAILABLE) leaves the lane unavailable, not
        # broken: the same search may succeed once the store is back.
        return [], report(LaneState.UNAVAILABLE, error.message, error.code)
    except AudioIdentError as error:
        return [], report(LaneState.FAILED, error.message, error.code)
    except Exception as error:  # one broken lane must not sink the other
        log.exception("%s lane failed", name)
        return [], report(
            LaneState.FAILED, f"{type(error).__name__}: {error}", ErrorCode.INTERNAL_ERROR
        )
    return found, report(LaneState.OK)

"""POST /api/v1/search (a clip) and POST /api/v1/search/text (a sentence)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Annotated, Any, TypeVar

from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, Response, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import HTTPException
from litestar.params import Body, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_413_REQUEST_ENTITY_TOO_LARGE

from application.identify.identify_clip import IdentifyClip
from application.identify.identify_result import SearchMode
from application.identify.search_by_text import SearchByText
from application.identify.search_policy import SearchPolicy
from domain.errors import ErrorCode, InvalidAudio
from entrypoints.http import uploads
from entrypoints.http.error_docs import errors
from entrypoints.http.errors import SearchTimeout, body_limit, error_response, on_http_error
from entrypoints.http.guards import cpu_capacity, readers
from entrypoints.http.request_id import request_id_of
from entrypoints.http.schemas.errors import ErrorBody
from entrypoints.http.schemas.search import (
    ExactMatchOut,
    Lanes,
    LaneStatus,
    SearchForm,
    SearchResponse,
    TextSearchRequest,
    TextSearchResponse,
    VibeMatchOut,
    given,
)

Multipart = Body(media_type=RequestEncodingType.MULTI_PART)
T = TypeVar("T")
# Where a recording longer than a clip goes: a too-long upload's error names it.
TIMELINE_ROUTE = "/api/v1/timeline"


def _too_large_for_a_clip(
    request: Request[Any, Any, Any], error: HTTPException
) -> Response[ErrorBody]:
    """A body past the clip's byte bound is a long recording (or junk): say where to go."""
    if error.status_code != HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        return on_http_error(request, error)
    limit = body_limit(request)
    return error_response(
        ErrorCode.FILE_TOO_LARGE,
        f"the upload is larger than any clip can be ({limit} bytes): for a whole recording "
        f"or a mix, POST it to {TIMELINE_ROUTE}",
        {"limit_bytes": limit, "use": TIMELINE_ROUTE},
    )


@post(
    "/search",
    status_code=HTTP_200_OK,
    tags=["search"],
    summary="Identify a clip: exact matches and tracks that sound alike",
    description=(
        "Both lanes run side by side with their own timeouts under an overall deadline. "
        "A lane that fails leaves the other's matches, and `lanes` says which failed and why. "
        "A clip is at most SEARCH_MAX_SECONDS of audio (60 by default) in any format; a "
        "longer recording is refused (422 AUDIO_TOO_LONG, or 413 FILE_TOO_LARGE past the "
        f"bytes a clip can take) with `details.use` naming {TIMELINE_ROUTE}, which takes it."
    ),
    guards=[readers, cpu_capacity],
    responses=errors(401, 408, 413, 422, 503, 504, 507),
    exception_handlers={HTTPException: _too_large_for_a_clip},
)
@inject
async def search(
    data: Annotated[SearchForm, Multipart],
    request: Request[Any, Any, Any],
    identify: FromDishka[IdentifyClip],
    policy: FromDishka[SearchPolicy],
) -> SearchResponse:
    started = time.perf_counter()
    asked = given(data.mode)
    mode = policy.mode(None if asked is None else SearchMode(asked))
    async with uploads.on_disk(data.audio) as path:
        try:
            result = await _within_deadline(
                identify(
                    path,
                    mode,
                    policy.top(given(data.max_results)),
                    exclude_exact_from_vibe=data.exclude_exact_from_vibe,
                ),
                policy,
            )
        except InvalidAudio as error:
            if error.code is not ErrorCode.AUDIO_TOO_LONG:
                raise
            raise InvalidAudio(
                error.code,
                f"{error.message}: for a whole recording or a mix, POST it to {TIMELINE_ROUTE}",
                {**error.details, "use": TIMELINE_ROUTE},
            ) from error
    return SearchResponse(
        request_id=request_id_of(request.scope),
        query_duration_ms=_ms_since(started),
        audio_seconds=round(result.audio_seconds, 3),
        exact_matches=[ExactMatchOut.of(m, t, result.audio_seconds) for m, t in result.exact],
        vibe_matches=[VibeMatchOut.of(m, t) for m, t in result.vibe],
        lanes=Lanes(
            exact=LaneStatus.of(result.lanes["exact"]), vibe=LaneStatus.of(result.lanes["vibe"])
        ),
    )


@post(
    "/search/text",
    status_code=HTTP_200_OK,
    tags=["search"],
    summary="Tracks that sound like a description (vibe lane)",
    description="503 LANE_UNAVAILABLE when the vibe lane is off or its model did not load.",
    guards=[readers],
    responses=errors(401, 413, 503, 504),
)
@inject
async def search_text(
    data: JSONBody[TextSearchRequest],
    request: Request[Any, Any, Any],
    search: FromDishka[SearchByText],
    policy: FromDishka[SearchPolicy],
) -> TextSearchResponse:
    started = time.perf_counter()
    top = policy.top(given(data.max_results))
    found = await _within_deadline(search(data.text, top), policy)
    return TextSearchResponse(
        request_id=request_id_of(request.scope),
        query_duration_ms=_ms_since(started),
        vibe_matches=[VibeMatchOut.of(m, t) for m, t in found],
    )


async def _within_deadline(work: Awaitable[T], policy: SearchPolicy) -> T:
    """The overall deadline; the lanes' own (shorter) timeouts give partial results first."""
    deadline = policy.deadline_seconds
    try:
        async with asyncio.timeout(deadline):
            return await work
    except TimeoutError as error:
        raise SearchTimeout(
            f"no answer within {deadline:g} s", {"deadline_seconds": deadline}
        ) from error


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)

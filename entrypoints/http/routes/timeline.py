"""POST /api/v1/timeline: a long recording uploaded, its segments streamed back as NDJSON."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AsyncExitStack
from typing import Annotated

import structlog
from dishka.integrations.litestar import FromDishka, inject
from litestar import post
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body
from litestar.response import Stream

from application.timeline.build_timeline import BuildTimeline
from application.timeline.policy import TimelinePolicy
from application.timeline.updates import TimelineUpdate
from domain.errors import AudioIdentError
from domain.timeline.audio_source import FileSource
from entrypoints.http import uploads
from entrypoints.http.error_docs import errors
from entrypoints.http.guards import cpu_capacity, readers
from entrypoints.http.schemas.timeline import (
    ErrorLine,
    TimelineForm,
    TimelineLine,
    TimelineLines,
    encoded,
)

NDJSON = "application/x-ndjson"
PROGRESS_EVERY_SECONDS = 1.0  # of wall time: a line that shows the work goes on
log = structlog.get_logger(__name__)


@post(
    "/timeline",
    status_code=200,
    tags=["search"],
    summary="What played when in a long recording (streamed as NDJSON)",
    description=(
        "Upload a recording of any length up to TIMELINE_MAX_UPLOAD_MB and "
        "TIMELINE_MAX_SECONDS (3 h by default). The answer streams while the work goes on, "
        "one JSON object per line, each with a `type`: `segment` when a segment is settled "
        "(in order; `track` null for audio that matches nothing in the library), `progress` "
        "about once a second, and last `end` — or `error` (the usual error object) when the "
        "input broke off or passed the length limit, after the segments before it. A file "
        "that is not audio, or whose header says it is too long, gets the usual error "
        "response instead, before any line; so does a busy service (503 OVERLOADED with "
        "Retry-After; the upload is read and dropped, not kept)."
    ),
    guards=[readers, cpu_capacity],
    responses={
        200: ResponseSpec(
            TimelineLine,  # type: ignore[arg-type]
            media_type=NDJSON,
            description="NDJSON: segment and progress lines, then one end or error line",
            generate_examples=False,
        ),
        **errors(401, 413, 422, 503),
    },
)
@inject
async def timeline(
    data: Annotated[TimelineForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    build: FromDishka[BuildTimeline],
    policy: FromDishka[TimelinePolicy],
) -> Stream:
    resources = AsyncExitStack()  # the spooled upload lives as long as the stream
    try:
        path = await resources.enter_async_context(uploads.on_disk(data.audio))
        updates = build(FileSource(path), max_seconds=policy.max_request_seconds)
        resources.push_async_callback(updates.aclose)
        first = await anext(updates)  # not audio, too long: an error response, not a line
    except BaseException:
        await resources.aclose()
        raise
    return Stream(_lines(first, updates, resources), media_type=NDJSON)


async def _lines(
    first: TimelineUpdate, updates: AsyncGenerator[TimelineUpdate, None], resources: AsyncExitStack
) -> AsyncIterator[bytes]:
    async with resources:
        lines = TimelineLines(PROGRESS_EVERY_SECONDS)
        try:
            async for update in _prepend(first, updates):
                if line := lines.line(update):
                    yield _framed(line)
        except AudioIdentError as error:
            yield _framed(ErrorLine.of(error))
            return
        except Exception:
            log.exception("timeline failed")
            yield _framed(ErrorLine.of(AudioIdentError("the timeline failed on our side")))
            return
        yield _framed(lines.end())


async def _prepend(
    first: TimelineUpdate, rest: AsyncIterator[TimelineUpdate]
) -> AsyncIterator[TimelineUpdate]:
    yield first
    async for update in rest:
        yield update


def _framed(line: TimelineLine) -> bytes:
    return encoded(line) + b"\n"

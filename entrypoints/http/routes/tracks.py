"""The library: list, details, the original audio (with Range), and deletion (admin)."""

from __future__ import annotations

import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import anyio
from dishka.integrations.litestar import FromDishka, inject
from litestar import Request, delete, get, patch
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Stream

from application.library.delete_track import DeleteTrack
from application.library.edit_track import EditTrack
from application.library.track_audio import TrackAudio
from application.library.track_details import GetTrack, ListTracks
from domain.errors import ErrorCode
from domain.library.track_query import MAX_PAGE_SIZE, TrackQuery, TrackSort
from entrypoints.http.byte_range import RangeNotSatisfiable, parse_range
from entrypoints.http.error_docs import errors
from entrypoints.http.errors import error_response
from entrypoints.http.guards import admins, readers
from entrypoints.http.schemas.tracks import TrackDetail, TrackListItem, TrackPageOut, TrackPatch

_CHUNK = 64 * 1024


_LISTING_PARAMETERS = ("page", "page_size", "q", "sort")


@get(
    "/tracks",
    tags=["tracks"],
    summary="A page of the library, filtered and sorted",
    description=(
        "Takes only `page`, `page_size`, `q` and `sort`: any other query parameter (say "
        "`limit`) is refused with VALIDATION_ERROR rather than silently ignored."
    ),
    guards=[readers],
    responses=errors(401),
)
@inject
async def list_tracks(
    request: Request[Any, Any, Any],
    list_page: FromDishka[ListTracks],
    page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)] = 20,
    q: Annotated[
        str | None,
        QueryParameter(
            max_length=200, pattern=r"^[^\x00]*$", description="text in title, artist or album"
        ),
    ] = None,
    sort: FromQuery[TrackSort] = TrackSort.NEWEST,
) -> TrackPageOut:
    _refuse_unknown(request, _LISTING_PARAMETERS)
    found = await list_page(TrackQuery(text=q or None, page=page, page_size=page_size, sort=sort))
    return TrackPageOut(
        items=[TrackListItem.of(t) for t in found.items],
        total=found.total,
        page=page,
        page_size=page_size,
    )


@get(
    "/tracks/{track_id:uuid}",
    tags=["tracks"],
    summary="One track: metadata, technical details, and each index's progress",
    guards=[readers],
    responses=errors(401, 404),
)
@inject
async def get_track(track_id: FromPath[UUID], details: FromDishka[GetTrack]) -> TrackDetail:
    return TrackDetail.of_details(await details(track_id))


@get(
    "/tracks/{track_id:uuid}/audio",
    tags=["tracks"],
    summary="The original file, streamed; supports Range requests (206)",
    guards=[readers],
    responses=errors(401, 404, 416),
)
@inject
async def track_audio(
    track_id: FromPath[UUID],
    request: Request[Any, Any, Any],
    audio: FromDishka[TrackAudio],
) -> Stream:
    track, path = await audio(track_id)
    size = (await anyio.Path(path).stat()).st_size
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{track.sha256}"'}
    try:
        wanted = parse_range(request.headers.get("range"), size)
    except RangeNotSatisfiable:
        return error_response(  # type: ignore[return-value]
            ErrorCode.RANGE_NOT_SATISFIABLE,
            f"the file has {size} bytes",
            {"size": size},
            {"Content-Range": f"bytes */{size}", **headers},
        )
    if wanted is None:
        headers["Content-Length"] = str(size)
        return Stream(_read(path, 0, size), media_type=media_type, headers=headers)
    headers["Content-Length"] = str(wanted.length)
    headers["Content-Range"] = wanted.content_range(size)
    return Stream(
        _read(path, wanted.start, wanted.length),
        media_type=media_type,
        headers=headers,
        status_code=206,
    )


@patch(
    "/tracks/{track_id:uuid}",
    tags=["tracks"],
    summary="Rename a track (admin): title, artist, album",
    description=(
        "Recorded as a TrackRetitled event with the row; every search, listing and timeline "
        "shows the new names at once (the indexes hold no names)."
    ),
    security=[{"BearerToken": []}],
    guards=[admins],
    responses=errors(401, 403, 404),
)
@inject
async def edit_track(
    track_id: FromPath[UUID],
    data: JSONBody[TrackPatch],
    rename: FromDishka[EditTrack],
    details: FromDishka[GetTrack],
) -> TrackDetail:
    await rename(track_id, data.edit())
    return TrackDetail.of_details(await details(track_id))


@delete(
    "/tracks/{track_id:uuid}",
    tags=["tracks"],
    summary="Delete a track (admin); the indexes forget it as the projections catch up",
    security=[{"BearerToken": []}],
    guards=[admins],
    responses=errors(401, 403, 404),
)
@inject
async def delete_track(track_id: FromPath[UUID], remove: FromDishka[DeleteTrack]) -> None:
    await remove(track_id)


def _refuse_unknown(request: Request[Any, Any, Any], known: tuple[str, ...]) -> None:
    """A misspelt or foreign parameter would otherwise change nothing, unnoticed."""
    unknown = sorted(set(request.query_params) - set(known))
    if unknown:
        raise ValidationException(
            f"unknown query parameter {', '.join(map(repr, unknown))}: this listing takes "
            f"{', '.join(known[:-1])} and {known[-1]}",
            extra=[{"key": name, "message": "unknown query parameter"} for name in unknown],
        )


async def _read(path: Path, start: int, length: int) -> AsyncIterator[bytes]:
    async with await anyio.open_file(path, "rb") as handle:
        await handle.seek(start)
        left = length
        while left > 0:
            block = await handle.read(min(_CHUNK, left))
            if not block:
                return
            left -= len(block)
            yield block

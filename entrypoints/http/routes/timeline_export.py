"""POST /api/v1/timeline/export: segments a client holds, written as CSV, CUE or JSON.

The formats are the CLI's (`domain/timeline/csv_table.py`, `cue_sheet.py`), so a tracklist
saved from the web app reads like one from `identify --timeline --format csv|cue`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Annotated

import msgspec
from litestar import Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import JSONBody, QueryParameter

from domain.timeline.csv_table import csv_header, csv_row
from domain.timeline.cue_sheet import cue_sheet
from entrypoints.http.error_docs import errors
from entrypoints.http.guards import readers
from entrypoints.http.schemas.timeline import (
    MAX_EXPORTED_SEGMENTS,
    ExportFormat,
    TimelineExport,
)

MEDIA_TYPES: dict[ExportFormat, str] = {
    "csv": "text/csv",  # Litestar adds the charset to text/*
    "cue": "application/x-cue; charset=utf-8",
    "json": "application/json",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass
class ExportOperation(Operation):
    """The 200 answer lists each format's media type (a ResponseSpec names only one), so
    clients and schema checkers know every Content-Type the endpoint sends."""

    def __post_init__(self) -> None:
        answer = (self.responses or {}).get("200")
        if isinstance(answer, OpenAPIResponse):
            text = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))
            answer.content = {
                "text/csv": text,
                "application/x-cue": text,
                "application/json": OpenAPIMediaType(schema=Schema(type=OpenAPIType.OBJECT)),
            }


@post(
    "/timeline/export",
    status_code=200,
    tags=["search"],
    summary="A timeline's segments as a CSV table, a CUE sheet or JSON (a download)",
    description=(
        "Send the settled segments a timeline gave (the `segment` lines of POST "
        "/api/v1/timeline or of the /api/v1/listen WebSocket, as they came: extra fields "
        "are ignored) and the recording's `file` name. `format=csv`: a header row, then "
        "`file, start, end, title, artist, track_id, offset, speed, confidence` per segment "
        "(seconds; an unknown stretch has empty track fields). `format=cue`: a CUE sheet, "
        "`FILE` then one `TRACK` per segment with `TITLE` (Unknown for unknown audio), "
        "`PERFORMER` and `INDEX 01` at 75 frames a second. `format=json`: `{file, "
        "segments}` with the fields this endpoint reads. Nothing is looked up: the titles "
        f"are those sent. At most {MAX_EXPORTED_SEGMENTS} segments."
    ),
    guards=[readers],
    operation_class=ExportOperation,
    responses={
        200: ResponseSpec(
            str,
            media_type="text/plain",
            description="The export, with Content-Disposition naming a file to save it as",
            generate_examples=False,
        ),
        **errors(401, 413),
    },
)
async def export_timeline(
    data: JSONBody[TimelineExport],
    kind: Annotated[ExportFormat, QueryParameter(name="format", description="csv, cue or json")],
) -> Response[bytes]:
    return Response(
        content=rendered(data, kind),
        media_type=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{download_name(data.file, kind)}"'},
    )


def rendered(export: TimelineExport, kind: ExportFormat) -> bytes:
    if kind == "json":
        return msgspec.json.encode(export)
    pairs = [(s.segment(), s.track) for s in export.segments]
    if kind == "cue":
        return cue_sheet(export.file, pairs).encode()
    rows = (csv_row(export.file, segment, track) for segment, track in pairs)
    return (csv_header() + "".join(rows)).encode()


def download_name(file: str, kind: ExportFormat) -> str:
    """The recording's name with the export's suffix, in characters any header can carry."""
    stem = _UNSAFE.sub("_", PurePath(file).stem).strip(" ._") or "timeline"
    return f"{stem[:100]}.{kind}"

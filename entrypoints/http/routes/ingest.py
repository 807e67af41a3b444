"""POST /api/v1/ingest (admin): one or many files, one outcome each."""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body

from application.library.ingest_file import IngestFile
from domain.library.ingest_outcome import IngestOutcome, IngestStatus
from entrypoints.http import uploads
from entrypoints.http.error_docs import errors
from entrypoints.http.guards import admins, cpu_capacity
from entrypoints.http.schemas.ingest import IngestedFile, IngestForm, IngestResponse


@post(
    "/ingest",
    tags=["tracks"],
    summary="Add audio files to the library (admin)",
    description=(
        "201 when every file was ingested, 200 when all were duplicates, 207 otherwise. "
        "Indexing continues in the projector; track details show its progress."
    ),
    security=[{"BearerToken": []}],
    guards=[admins, cpu_capacity],
    responses={
        200: ResponseSpec(IngestResponse, description="every file was already in the library"),
        207: ResponseSpec(IngestResponse, description="mixed outcomes; see each file"),
        **errors(401, 403, 408, 413, 503, 507),
    },
)
@inject
async def ingest(
    data: Annotated[IngestForm, Body(media_type=RequestEncodingType.MULTI_PART)],
    ingest_file: FromDishka[IngestFile],
) -> Response[IngestResponse]:
    if not data.uploads():
        raise ValidationException("no file: send one or more `audio` parts")
    files: list[IngestedFile] = []
    for upload in data.uploads():
        name = uploads.original_name(upload)
        async with uploads.on_disk(upload) as path:
            # Titles fall back to the client's file name, never the temporary one.
            outcome = await ingest_file(path, display_name=name)
        files.append(_present(name, outcome))
    counts = {s: sum(f.status == s for f in files) for s in IngestStatus}
    body = IngestResponse(
        files=files,
        ingested=counts[IngestStatus.INGESTED],
        duplicates=counts[IngestStatus.DUPLICATE],
        failed=counts[IngestStatus.FAILED],
    )
    if counts[IngestStatus.INGESTED] == len(files):
        status = 201
    elif counts[IngestStatus.DUPLICATE] == len(files):
        status = 200
    else:
        status = 207
    return Response(body, status_code=status)


def _present(name: str, outcome: IngestOutcome) -> IngestedFile:
    return IngestedFile(
        filename=name,
        status=outcome.status.value,  # type: ignore[arg-type]
        track_id=outcome.track_id,
        code=outcome.code,
        reason=outcome.reason,
    )

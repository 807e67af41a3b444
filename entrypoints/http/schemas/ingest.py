"""Ingest requests (one or many files) and the per-file outcome."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

IngestStatusName = Literal["ingested", "duplicate", "rejected"]


class IngestForm(msgspec.Struct, kw_only=True):
    """multipart/form-data: one or more `files` parts."""

    files: Annotated[list[UploadFile], msgspec.Meta(min_length=1)]


class IngestedFile(msgspec.Struct, kw_only=True):
    """`track_id` is the new track, or for a duplicate the track it duplicates."""

    filename: str
    status: IngestStatusName
    track_id: UUID | None = None
    code: str | None = None
    reason: str | None = None


class IngestResponse(msgspec.Struct, kw_only=True):
    """201 when every file was ingested, 200 when all were duplicates, 207 otherwise.

    The indexes follow in the background: GET /api/v1/tracks/{id} shows their progress.
    """

    files: list[IngestedFile]
    ingested: int
    duplicates: int
    rejected: int

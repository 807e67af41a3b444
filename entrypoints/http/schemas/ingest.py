"""Ingest requests (one or many files) and the per-file outcome."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

IngestStatusName = Literal["ingested", "duplicate", "failed"]


class IngestForm(msgspec.Struct, kw_only=True):
    """multipart/form-data: one or more `audio` parts (the field search and timeline take);
    `files`, the name it had before, is still read."""

    audio: list[UploadFile] = msgspec.field(default_factory=list[UploadFile])
    files: list[UploadFile] = msgspec.field(default_factory=list[UploadFile])

    def uploads(self) -> list[UploadFile]:
        return [*self.audio, *self.files]


class IngestedFile(msgspec.Struct, kw_only=True):
    """`track_id` is the new track, or for a duplicate the track it duplicates. `reason`
    says why a file failed (with its `code`), or what a duplicate did: "replaced the kept
    copy: lossless" (or "higher bitrate", "longer") when it was the better copy, "contains
    the track, with …; the track keeps its copy" when it holds the track among other
    audio (a mix)."""

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
    failed: int

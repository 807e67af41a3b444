"""What happened to one file handed to ingestion."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from domain.errors import ErrorCode


class IngestStatus(StrEnum):
    INGESTED = "ingested"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """Per-file result; a duplicate carries the id of the track it duplicates."""

    status: IngestStatus
    track_id: UUID | None = None
    reason: str | None = None
    code: ErrorCode | None = None

"""Timeline requests and the lines they answer with (NDJSON, or WebSocket messages)."""

from __future__ import annotations

import time
from typing import Any

import msgspec
from litestar.datastructures import UploadFile

from application.timeline.updates import Progress, SegmentReport
from domain.errors import AudioIdentError
from entrypoints.http.schemas.errors import ErrorDetail
from entrypoints.http.schemas.tracks import TrackSummary


class TimelineForm(msgspec.Struct, kw_only=True):
    """multipart/form-data: `audio` is a recording of any length up to the limits, in any
    format ffmpeg reads."""

    audio: UploadFile


class _Segment(msgspec.Struct, kw_only=True):
    """A stretch of the input: `track` from `offset_seconds` into it (the track's position at
    `start_seconds`), played `speed` times as fast; `track` null: nothing in the library
    (offset, speed and confidence are then null too)."""

    start_seconds: float
    end_seconds: float | None
    track: TrackSummary | None
    offset_seconds: float | None
    speed: float | None
    confidence: float | None


class SegmentLine(_Segment, kw_only=True, tag="segment", tag_field="type"):
    """A settled segment: nothing later changes it."""


class SegmentStartedLine(_Segment, kw_only=True, tag="segment_started", tag_field="type"):
    """A segment's start is certain; it still plays (`end_seconds` null). Live input only."""


class ProgressLine(msgspec.Struct, kw_only=True, tag="progress", tag_field="type"):
    """Seconds of the input analysed, of `total_seconds` (null when unknown)."""

    seconds: float
    total_seconds: float | None


class EndLine(msgspec.Struct, kw_only=True, tag="end", tag_field="type"):
    """The last line of a complete timeline."""

    seconds: float
    segments: int


class ErrorLine(msgspec.Struct, kw_only=True, tag="error", tag_field="type"):
    """The last line when the work failed midway: the segments before it stand."""

    error: ErrorDetail

    @classmethod
    def of(cls, error: AudioIdentError) -> ErrorLine:
        return cls(error=ErrorDetail(code=error.code, message=error.message, details=error.details))


TimelineLine = SegmentLine | SegmentStartedLine | ProgressLine | EndLine | ErrorLine


def line_of(update: SegmentReport | Progress) -> TimelineLine:
    if isinstance(update, Progress):
        return ProgressLine(seconds=update.seconds, total_seconds=update.total_seconds)
    segment, track = update.segment, update.track
    kind = SegmentLine if update.settled else SegmentStartedLine
    return kind(
        start_seconds=segment.start_seconds,
        end_seconds=segment.end_seconds,
        track=TrackSummary.of(track) if track else None,
        offset_seconds=segment.offset_seconds,
        speed=segment.speed,
        confidence=segment.confidence,
    )


def encoded(line: TimelineLine | dict[str, Any]) -> bytes:
    return msgspec.json.encode(line)


class TimelineLines:
    """Updates as lines, with progress thinned to one per `progress_every` seconds (of wall
    time), counting the settled segments for the end line."""

    def __init__(self, progress_every: float) -> None:
        self._every = progress_every
        self._shown = float("-inf")
        self._analysed = 0.0
        self._segments = 0

    def line(self, update: SegmentReport | Progress) -> TimelineLine | None:
        """The update's line; None for progress too soon after the last shown."""
        line = line_of(update)
        if isinstance(line, ProgressLine):
            self._analysed = line.seconds
            if time.monotonic() - self._shown < self._every:
                return None
            self._shown = time.monotonic()
        self._segments += isinstance(line, SegmentLine)
        return line

    def end(self) -> EndLine:
        return EndLine(seconds=self._analysed, segments=self._segments)

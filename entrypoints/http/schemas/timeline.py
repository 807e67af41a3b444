"""Timeline requests and the lines they answer with (NDJSON, or WebSocket messages)."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar.datastructures import UploadFile

from application.timeline.updates import Progress, SegmentReport
from domain.errors import AudioIdentError
from domain.timeline.segments import Segment
from entrypoints.http.schemas.errors import ErrorDetail
from entrypoints.http.schemas.tracks import TrackSummary


class TimelineForm(msgspec.Struct, kw_only=True):
    """multipart/form-data: `audio` is a recording of any length up to the limits, in any
    format ffmpeg reads."""

    audio: UploadFile


class _Segment(msgspec.Struct, kw_only=True):
    """A stretch of the input: `track` from `offset_seconds` into it (the track's position at
    `start_seconds`), played `speed` times as fast, its pitch `pitch_semitones` from the
    track's (0: the key kept; null: not measured); `track` null: nothing in the library
    (offset, speed, pitch and confidence are then null too)."""

    start_seconds: float
    end_seconds: float | None
    track: TrackSummary | None
    offset_seconds: float | None
    speed: float | None
    confidence: float | None
    pitch_semitones: float | None = None


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
        pitch_semitones=segment.pitch_semitones,
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


ExportFormat = Literal["csv", "cue", "json"]
MAX_EXPORTED_SEGMENTS = 10_000  # a 3 h timeline has far fewer: each segment is seconds long
_Seconds = Annotated[float, msgspec.Meta(ge=0)]
_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]


class ExportedTrack(msgspec.Struct, kw_only=True):
    """The track a segment names, as a segment line gives it (its other fields may come
    too and are ignored)."""

    id: UUID
    title: _Name
    artist: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    album: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class ExportedSegment(msgspec.Struct, kw_only=True):
    """A settled segment, as a `segment` line gives it (its `type` may come too)."""

    start_seconds: _Seconds
    end_seconds: _Seconds
    track: ExportedTrack | None = None
    offset_seconds: float | None = None
    speed: Annotated[float, msgspec.Meta(gt=0)] | None = None
    confidence: float | None = None
    pitch_semitones: Annotated[float, msgspec.Meta(ge=-24, le=24)] | None = None

    def __post_init__(self) -> None:
        if self.end_seconds < self.start_seconds:
            raise ValueError("a segment's end_seconds is before its start_seconds")

    def segment(self) -> Segment:
        return Segment(
            start_seconds=self.start_seconds,
            end_seconds=self.end_seconds,
            track_id=self.track.id if self.track else None,
            offset_seconds=self.offset_seconds if self.track else None,
            speed=self.speed if self.track else None,
            confidence=self.confidence if self.track else None,
            pitch_semitones=self.pitch_semitones if self.track else None,
        )


class TimelineExport(msgspec.Struct, kw_only=True):
    """A timeline's segments, to be written as CSV, a CUE sheet or JSON; `file` names the
    recording they come from (the CSV's `file` column, the CUE sheet's `FILE`)."""

    file: _Name = "recording"
    segments: Annotated[list[ExportedSegment], msgspec.Meta(max_length=MAX_EXPORTED_SEGMENTS)]

"""A timeline as CSV: a header row, then one row per settled segment.

Columns: `file, start, end, title, artist, track_id, offset, speed, confidence, pitch`,
where `start`/`end` are seconds into the input, or ISO 8601 wall-clock times (with their
time zone) for a monitored stream, which then adds `start_seconds, end_seconds`, and
`pitch` is in semitones (empty when not measured). An unknown stretch has empty title,
artist, track_id, offset, speed, confidence and pitch.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from domain.timeline.credit import Credit
from domain.timeline.segments import Segment

COLUMNS = (
    "file", "start", "end", "title", "artist", "track_id", "offset", "speed", "confidence", "pitch",
)  # fmt: skip
CLOCKED_COLUMNS = (*COLUMNS, "start_seconds", "end_seconds")


def csv_header(clocked: bool = False) -> str:
    """The header line; `clocked`: start and end are wall-clock times (a monitor's)."""
    return _line(CLOCKED_COLUMNS if clocked else COLUMNS)


def csv_row(
    file: str,
    segment: Segment,
    track: Credit | None,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
) -> str:
    """One segment's line; with `started_at` it belongs under `csv_header(clocked=True)`."""
    shown = track if segment.track_id is not None else None
    cells = [
        file,
        iso_time(started_at) if started_at else _number(segment.start_seconds, 3),
        iso_time(ended_at) if ended_at else _number(segment.end_seconds, 3),
        shown.title if shown else "",
        (shown.artist or "") if shown else "",
        str(segment.track_id) if shown else "",
        _number(segment.offset_seconds, 3),
        _number(segment.speed, 3),
        _number(segment.confidence, 4),
        _number(segment.pitch_semitones, 1),
    ]
    if started_at is not None:
        cells += [_number(segment.start_seconds, 3), _number(segment.end_seconds, 3)]
    return _line(cells)


def _line(cells: Sequence[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)  # RFC 4180 line ends
    return out.getvalue()


def _number(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def iso_time(moment: datetime) -> str:
    """ISO 8601 with its time zone, to the millisecond: how every export writes a moment."""
    return moment.isoformat(timespec="milliseconds")

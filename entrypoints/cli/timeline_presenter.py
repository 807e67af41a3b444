"""Timeline segments for the terminal: JSON records and plain lines."""

from __future__ import annotations

import json
import sys
from typing import Any

from application.timeline.updates import SegmentReport
from entrypoints.cli.presenters import artist, position


def segment_record(name: str, report: SegmentReport) -> dict[str, Any]:
    """One JSON line; `end_seconds` is null while the segment still plays (monitor),
    `track_id` null when nothing in the library matched."""
    segment, track = report.segment, report.track
    return {
        "file": name,
        "start_seconds": segment.start_seconds,
        "end_seconds": segment.end_seconds,
        "track_id": str(segment.track_id) if segment.track_id else None,
        "title": track.title if track else None,
        "artist": track.artist if track else None,
        "offset_seconds": segment.offset_seconds,
        "speed": segment.speed,
        "confidence": segment.confidence,
    }


def segment_line(report: SegmentReport) -> str:
    """`1:32.0 – 4:10.4  Title — Artist  (from 0:45.2, speed 1.020, confidence 1.00)`;
    a segment still playing shows its start and ▶."""
    segment, track = report.segment, report.track
    end = segment.end_seconds
    span = (
        f"{clock(segment.start_seconds)} – {clock(end)}"
        if end is not None
        else (f"{clock(segment.start_seconds)} ▶")
    )
    if track is None or segment.offset_seconds is None:
        return f"{span}  unknown"
    details = [f"from {clock(segment.offset_seconds)} in the track"]
    if segment.speed is not None and abs(segment.speed - 1.0) >= 0.001:
        details.append(f"speed {segment.speed:.3f}")
    if segment.confidence is not None:
        details.append(f"confidence {segment.confidence:.2f}")
    return f"{span}  {track.title} — {artist(track.artist)}  ({', '.join(details)})"


def clock(seconds: float) -> str:
    """m:ss.s (h:mm:ss.s past an hour), as every position is shown."""
    return position(seconds)


def json_line(record: dict[str, Any]) -> None:
    """One object per line, flushed at once (a reader may be waiting on a pipe)."""
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()

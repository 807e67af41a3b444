"""Timeline segments for the terminal: JSON records and plain lines."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

from application.timeline.monitor import HeardSegment, StreamGap
from application.timeline.updates import SegmentReport
from domain.exact.reading import Certainty, pitch_note, speed_note
from domain.timeline.csv_table import iso_time
from entrypoints.cli.presenters import artist, position


def segment_record(name: str | None, report: SegmentReport) -> dict[str, Any]:
    """One JSON line; `end_seconds` is null while the segment still plays (monitor),
    `track_id` null when nothing in the library matched. No `file` when `name` is None
    (a segment inside a file's own record)."""
    segment, track = report.segment, report.track
    return {
        **({} if name is None else {"file": name}),
        "start_seconds": segment.start_seconds,
        "end_seconds": segment.end_seconds,
        "track_id": str(segment.track_id) if segment.track_id else None,
        "title": track.title if track else None,
        "artist": track.artist if track else None,
        "offset_seconds": segment.offset_seconds,
        "speed": segment.speed,
        "pitch_semitones": segment.pitch_semitones,
        "confidence": segment.confidence,
    }


def segment_line(report: SegmentReport) -> str:
    """`1:32.0 – 4:10.4  Title — Artist  (from 0:45.2 in the track, played 2 % fast, certain)`;
    a segment still playing shows its start and ▶."""
    return segment_text(segment_record(None, report))


def segment_text(record: dict[str, Any]) -> str:
    """The line of a segment's record (`segment_record`)."""
    start, end = record["start_seconds"], record["end_seconds"]
    span = f"{clock(start)} – {clock(end)}" if end is not None else f"{clock(start)} ▶"
    if record["track_id"] is None or record["offset_seconds"] is None:
        return f"{span}  unknown"
    details = [f"from {clock(record['offset_seconds'])} in the track"]
    speed, confidence = record["speed"], record["confidence"]
    if speed is not None and (note := speed_note(speed)):
        details.append(note)
    if (note := pitch_note(record.get("pitch_semitones"), speed)) is not None:
        details.append(note)
    if confidence is not None:
        details.append(Certainty.of(confidence).value)
    return f"{span}  {record['title']} — {artist(record['artist'])}  ({', '.join(details)})"


def clock(seconds: float) -> str:
    """m:ss.s (h:mm:ss.s past an hour), as every position is shown."""
    return position(seconds)


def json_line(record: dict[str, Any]) -> None:
    """One object per line, flushed at once (a reader may be waiting on a pipe)."""
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def heard_record(name: str, heard: HeardSegment) -> dict[str, Any]:
    """A monitor's segment line: the timeline's fields, and the wall-clock `started_at` and
    `ended_at` (ISO 8601 with the time zone; `ended_at` null while it plays)."""
    return {
        **segment_record(name, heard.report),
        "started_at": iso_time(heard.started_at),
        "ended_at": iso_time(heard.ended_at) if heard.ended_at else None,
    }


def gap_record(name: str, gap: StreamGap) -> dict[str, Any]:
    """`{"file", "gap": {"from", "to", "after_seconds", "reason"}}`; `to` is null while the
    monitor is still reconnecting."""
    return {
        "file": name,
        "gap": {
            "from": iso_time(gap.started_at),
            "to": iso_time(gap.ended_at) if gap.ended_at else None,
            "after_seconds": round(gap.after_seconds, 3),
            "reason": gap.reason,
        },
    }


def heard_line(heard: HeardSegment) -> str:
    """`[2026-05-01 14:00:03 – 14:03:41]  0:00:03.2 – 0:03:41.0  Title — Artist  (…)`, in
    local time."""
    end = heard.ended_at
    when = (
        f"{_local(heard.started_at)} – {_local(end, date=False)}"
        if end
        else (f"{_local(heard.started_at)} ▶")
    )
    return f"[{when}]  {segment_line(heard.report)}"


def gap_line(gap: StreamGap) -> str:
    if gap.ended_at is None:
        return (
            f"[{_local(gap.started_at)} …]  the stream dropped after "
            f"{clock(gap.after_seconds)} ({gap.reason}); reconnecting"
        )
    return (
        f"[{_local(gap.started_at)} – {_local(gap.ended_at, date=False)}]  nothing heard: "
        f"the stream was down ({gap.reason})"
    )


def _local(moment: datetime, date: bool = True) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S" if date else "%H:%M:%S")

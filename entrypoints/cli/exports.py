"""CSV and CUE on standard output, written as segments are settled, across the inputs of
one command (the formats themselves are `domain/timeline/csv_table.py` and `cue_sheet.py`)."""

from __future__ import annotations

import sys
from datetime import datetime

from application.timeline.updates import SegmentReport
from domain.timeline.csv_table import csv_header, csv_row
from domain.timeline.cue_sheet import cue_file, cue_track

EXPORTS = ("csv", "cue")


class SegmentExport:
    """A CSV table (header first) or a CUE sheet (a `FILE` line before each input's first
    track, track numbers running on); `clocked`: a monitor's rows, with wall-clock times."""

    def __init__(self, kind: str, clocked: bool = False) -> None:
        self._kind, self._clocked = kind, clocked
        self._tracks = 0
        self._file: str | None = None
        if kind == "csv":
            _write(csv_header(clocked))

    def settled(
        self,
        name: str,
        report: SegmentReport,
        started_at: datetime | None = None,
        ended_at: datetime | None = None,
    ) -> None:
        segment, track = report.segment, report.track
        if self._kind == "csv":
            _write(csv_row(name, segment, track, started_at, ended_at))
            return
        if self._file != name:
            self._file = name
            _write(cue_file(name))
        self._tracks += 1
        _write(cue_track(self._tracks, segment, track))


def _write(text: str) -> None:
    """Flushed at once: a reader may be waiting on a pipe."""
    sys.stdout.write(text)
    sys.stdout.flush()

"""The timeline's CSV table and CUE sheet, as pure functions over segments."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.timeline.csv_table import CLOCKED_COLUMNS, COLUMNS, csv_header, csv_row
from domain.timeline.cue_sheet import cue_file, cue_sheet, cue_time, cue_track
from domain.timeline.segments import Segment
from tests.support.factories import make_track

SONG = make_track(3, title='The "Long" Goodbye', artist="Band\nName")
KNOWN = Segment(
    12.5, 201.25, SONG.id, offset_seconds=3.0, speed=1.02, confidence=0.98765, pitch_semitones=0.3
)
UNKNOWN = Segment(201.25, 230.0, None)


@pytest.mark.parametrize(
    ("seconds", "index"),
    [
        (0.0, "00:00:00"),
        (1 / 75, "00:00:01"),  # one CD frame
        (0.019, "00:00:01"),  # rounded to the nearest frame
        (59.99, "00:59:74"),
        (59.995, "01:00:00"),  # never 75 frames: the next second
        (6001.6, "100:01:45"),  # past 99 minutes the minutes grow a digit
    ],
)
def test_cue_times_count_75_frames_a_second(seconds: float, index: str) -> None:
    assert cue_time(seconds) == index


def test_a_cue_sheet_names_the_file_and_each_track() -> None:
    sheet = cue_sheet("/music/sets/Friday mix.mp3", [(KNOWN, SONG), (UNKNOWN, None)], first=4)
    assert sheet == (
        'FILE "Friday mix.mp3" MP3\n'
        "  TRACK 04 AUDIO\n"
        "    TITLE \"The 'Long' Goodbye\"\n"  # CUE has no escape for a double quote
        '    PERFORMER "Band Name"\n'
        "    INDEX 01 00:12:38\n"  # 12.5 s: 937.5 frames, to the even one
        "  TRACK 05 AUDIO\n"
        '    TITLE "Unknown"\n'
        "    INDEX 01 03:21:19\n"
    )


def test_the_file_type_follows_its_name() -> None:
    assert cue_file("a.MP3") == 'FILE "a.MP3" MP3\n'
    assert cue_file("b.aiff") == 'FILE "b.aiff" AIFF\n'
    assert cue_file("c.flac") == 'FILE "c.flac" WAVE\n'
    # A track without an artist has no PERFORMER line.
    assert "PERFORMER" not in cue_track(1, KNOWN, make_track(4, artist=None))


def test_a_csv_table_reads_back_with_the_csv_module() -> None:
    text = (
        csv_header()
        + csv_row("mix, live.mp3", KNOWN, SONG)
        + csv_row("mix, live.mp3", UNKNOWN, None)
    )
    reader = csv.DictReader(io.StringIO(text, newline=""))
    known, unknown = list(reader)
    assert tuple(reader.fieldnames or ()) == COLUMNS
    assert known == {
        "file": "mix, live.mp3",
        "start": "12.500",
        "end": "201.250",
        "title": 'The "Long" Goodbye',
        "artist": "Band\nName",
        "track_id": str(SONG.id),
        "offset": "3.000",
        "speed": "1.020",
        "confidence": "0.9877",
        "pitch": "0.3",
    }
    assert unknown["track_id"] == unknown["title"] == unknown["offset"] == unknown["pitch"] == ""
    assert text.count("\r\n") == 3  # RFC 4180 line ends; the quoted artist keeps its \n


def test_a_monitors_rows_carry_wall_clock_times_and_stream_seconds() -> None:
    started = datetime(2026, 5, 1, 14, 0, 12, 500_000, tzinfo=UTC)
    ended = started + timedelta(seconds=188.75)
    text = csv_header(clocked=True) + csv_row("http://radio/x", KNOWN, SONG, started, ended)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    [row] = list(reader)
    assert tuple(reader.fieldnames or ()) == CLOCKED_COLUMNS
    assert row["start"] == "2026-05-01T14:00:12.500+00:00"
    assert datetime.fromisoformat(row["end"]) == ended
    assert (row["start_seconds"], row["end_seconds"]) == ("12.500", "201.250")
    local = started.astimezone(timezone(timedelta(hours=2)))
    assert csv_row("x", KNOWN, SONG, local, None).split(",")[1] == "2026-05-01T16:00:12.500+02:00"

"""A timeline as a CUE sheet: one `FILE` per input, one `TRACK` per segment.

Each track has its `TITLE` (an unknown stretch is titled "Unknown"), its `PERFORMER` when
the library knows one, and `INDEX 01 mm:ss:ff`, its start in the file at 75 frames a second
(the CD frame, the unit of every CUE time; minutes go past 99 for inputs over 100 minutes,
which most players read). Track numbers run on across the files of one sheet. CUE has no
escape for a double quote, so one inside a title becomes a single quote.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath

from domain.timeline.credit import Credit
from domain.timeline.segments import Segment

FRAMES_PER_SECOND = 75
UNKNOWN_TITLE = "Unknown"
_TYPES = {".mp3": "MP3", ".aif": "AIFF", ".aiff": "AIFF"}  # anything else: WAVE


def cue_time(seconds: float) -> str:
    """`mm:ss:ff`, rounded to the nearest frame."""
    frames = max(0, round(seconds * FRAMES_PER_SECOND))
    whole, frame = divmod(frames, FRAMES_PER_SECOND)
    return f"{whole // 60:02d}:{whole % 60:02d}:{frame:02d}"


def cue_file(name: str) -> str:
    """The `FILE` line of an input, named as the sheet beside it would name it."""
    path = PurePath(name)
    return f'FILE "{_quoted(path.name)}" {_TYPES.get(path.suffix.lower(), "WAVE")}\n'


def cue_track(number: int, segment: Segment, track: Credit | None) -> str:
    """One segment as `TRACK nn AUDIO` with its title, performer and start."""
    shown = track if segment.track_id is not None else None
    lines = [f"  TRACK {number:02d} AUDIO"]
    lines.append(f'    TITLE "{_quoted(shown.title) if shown else UNKNOWN_TITLE}"')
    if shown and shown.artist:
        lines.append(f'    PERFORMER "{_quoted(shown.artist)}"')
    lines.append(f"    INDEX 01 {cue_time(segment.start_seconds)}")
    return "\n".join(lines) + "\n"


def cue_sheet(name: str, segments: Iterable[tuple[Segment, Credit | None]], first: int = 1) -> str:
    """A whole sheet for one input; `first` is its first track's number."""
    tracks = (cue_track(first + n, s, t) for n, (s, t) in enumerate(segments))
    return cue_file(name) + "".join(tracks)


def _quoted(text: str) -> str:
    return " ".join(text.replace('"', "'").split())  # no quotes, no line breaks

"""How a timeline is made: window, hops, the exact lane's passes, limits.

Windows are 10 s: at 10 dB SNR through a 64 kbit/s codec a 10 s stretch holds enough
aligned landmarks for a confident match even when another track covers half of it in a
crossfade, while a jump inside a track (a loop, a skip) of more than a few seconds still
shows as a window whose best position is elsewhere. A file's windows do not overlap (the
hop is the window): every landmark is looked up once, and edges do not need overlap,
because a segment's edges are its first and last aligned landmarks, a fading track is
still accepted at its predicted position, and a track found in one window is looked for
in the window before it too. Live input moves by 2 s: a window ends at most 2 s after
enough of a new track has played, which keeps the first report well inside 8 s; lookups
cost 5x, and a live stream leaves the time for it.

Windows are matched with the clip lane's passes (application.identify.exact_passes): the
slope fit finds a track played off-speed, or with its tempo or pitch changed, in one lookup,
where a grid of assumed speeds took one lookup per speed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from application.identify.exact_passes import Pass, exact_passes
from domain.timeline.segmenter import SegmentPolicy


@dataclass(frozen=True, slots=True)
class TimelinePacing:
    """`hop_seconds` between windows; audio is fingerprinted `block_seconds` at a time (each
    block costs the fingerprinter's context again) and read from the decoder `read_seconds`
    at a time. Where the first pass found nothing for the newest audio, the later passes
    run at most once per `search_every_seconds` of stream: a file searches each unexplained
    second once (a track's start is then found by the look back), live input more often, so
    that a track the first pass misses is reported soon."""

    hop_seconds: float
    block_seconds: float
    read_seconds: float
    search_every_seconds: float


FILE_PACING = TimelinePacing(
    hop_seconds=10.0, block_seconds=10.0, read_seconds=10.0, search_every_seconds=10.0
)
LIVE_PACING = TimelinePacing(
    hop_seconds=2.0, block_seconds=2.0, read_seconds=0.5, search_every_seconds=4.0
)


@dataclass(frozen=True, slots=True)
class TimelinePolicy:
    """`explained_slack_seconds`: evidence reaching this close to a window's end explains
    its newest audio. `look_back_seconds`: how far before the window where a track starts
    its start is looked for (a track fading in under a crossfade, or quiet at first).
    `max_request_seconds` (TIMELINE_MAX_SECONDS): the longest input the service takes from
    a request, an upload or a live socket, which it passes to BuildTimeline as
    `max_seconds`; the CLI's own files may be of any length."""

    window_seconds: float = 10.0
    file: TimelinePacing = FILE_PACING
    live: TimelinePacing = LIVE_PACING
    passes: tuple[Pass, ...] = field(default_factory=exact_passes)
    explained_slack_seconds: float = 2.0
    look_back_seconds: float = 20.0
    matches_per_window: int = 5
    segments: SegmentPolicy = field(default_factory=SegmentPolicy)
    max_request_seconds: float = 3 * 3600.0

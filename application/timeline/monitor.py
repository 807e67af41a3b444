"""Use case: follow a live input and say what plays, with wall-clock times, across drops.

Wall-clock times come from when the audio arrived. Each connection's stream seconds are
put on the clock by one offset, the smallest (arrival time - stream seconds) seen so far:
a live stream arrives at the pace it plays, so that offset is its broadcast time, and the
audio a radio server sends in a burst on connecting (seconds from before the connection)
is placed where it belongs instead of at the moment it arrived. Times never go back
across an outage: a connection's audio is placed after what the one before it heard, even
when the server's burst repeats some of it. Input read faster than it plays (a file) is
timed as if it had played live, ending as it was read.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from application.timeline.build_timeline import BuildTimeline
from application.timeline.updates import Progress, SegmentReport
from domain.errors import DecodingFailed, InputBrokeOff, SourceUnreachable
from domain.ports.clock import Clock
from domain.timeline.audio_source import AudioSource, UrlSource


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """After a URL stream drops, open it again `first_delay_seconds` later, then at twice
    the delay each time it fails, up to `max_delay_seconds` between tries, until it answers
    or the monitor is stopped (a radio station may be down for an hour)."""

    first_delay_seconds: float = 1.0
    max_delay_seconds: float = 30.0

    def delays(self) -> Iterator[float]:
        """The wait before each try of one outage."""
        delay = min(self.first_delay_seconds, self.max_delay_seconds)
        while True:
            yield delay
            delay = min(self.max_delay_seconds, max(delay * 2, 0.1))


@dataclass(frozen=True, slots=True)
class HeardSegment:
    """A segment report on the monitor's time axis: `segment`'s seconds count the audio
    heard since monitoring began (a gap adds none), `started_at`/`ended_at` are the wall
    clock (`ended_at` None while it plays)."""

    report: SegmentReport
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class StreamGap:
    """The input dropped after `after_seconds` of audio and nothing was heard from
    `started_at` to `ended_at` (None: still trying to reconnect); `reason` in words."""

    after_seconds: float
    started_at: datetime
    ended_at: datetime | None
    reason: str


MonitorUpdate = HeardSegment | StreamGap


class MonitorStream:
    """Runs `BuildTimeline` over a live input, reporting each segment with its wall-clock
    times. Without `reconnect`, a drop ends the monitor: the segments heard are settled,
    then the error (InputBrokeOff) is raised. With it, a URL stream that drops is opened
    again (see ReconnectPolicy) and the outage is reported as a StreamGap, once when it
    begins and once when audio flows again; the segments before it are settled at the drop
    and the timeline goes on after it. An input that cannot be opened the first time
    raises (SourceUnreachable, DecodingFailed): a wrong address is said at once.
    """

    def __init__(self, timeline: BuildTimeline, clock: Clock) -> None:
        self._timeline, self._clock = timeline, clock

    async def __call__(
        self, source: AudioSource, reconnect: ReconnectPolicy | None = None
    ) -> AsyncGenerator[MonitorUpdate, None]:
        before = 0.0  # seconds heard on earlier connections
        gap: StreamGap | None = None
        delays: Iterator[float] | None = None  # the waits of this outage's tries
        heard_until: datetime | None = None  # the wall-clock end of the last connection's audio
        while True:
            run = _Connection(self._clock, before, heard_until)
            try:
                async for update in self._timeline(source, live=True, heard=run.heard):
                    if gap is not None:  # audio flows again: the outage is over
                        yield replace(gap, ended_at=run.wall(0.0))
                        gap, delays = None, None
                    if isinstance(update, Progress):
                        run.received = update.seconds
                    else:
                        yield run.placed(update)
                return
            except (InputBrokeOff, SourceUnreachable, DecodingFailed) as error:
                if reconnect is None or not isinstance(source, UrlSource):
                    raise
                if gap is None and before + run.received == 0:
                    raise  # never reached: a wrong address, or not audio
                if gap is None:  # audio had flowed: the outage begins
                    reason = str(error.details.get("reason") or error.message)
                    heard_until = run.wall(run.received)
                    gap = StreamGap(before + run.received, heard_until, None, reason)
                    yield gap
                before += run.received
            delays = delays or reconnect.delays()
            await asyncio.sleep(next(delays))


class _Connection:
    """One connection's audio on the wall clock: stream seconds + the smallest (arrival -
    stream seconds) seen, but never before `not_before` (see the module's docstring)."""

    def __init__(self, clock: Clock, before: float, not_before: datetime | None) -> None:
        self._clock, self._before, self._not_before = clock, before, not_before
        self._offset: datetime | None = None
        self.received = 0.0  # seconds of this connection analysed (from its progress)

    def heard(self, seconds: float) -> None:
        offset = self._clock.now() - timedelta(seconds=seconds)
        if self._offset is None or offset < self._offset:
            self._offset = offset

    def wall(self, seconds: float) -> datetime:
        """The wall-clock time of `seconds` into this connection."""
        start = self._offset or self._clock.now()
        if self._not_before is not None:
            start = max(start, self._not_before)
        return start + timedelta(seconds=seconds)

    def placed(self, report: SegmentReport) -> HeardSegment:
        segment = report.segment
        end = segment.end_seconds
        shifted = replace(
            segment,
            start_seconds=round(segment.start_seconds + self._before, 3),
            end_seconds=None if end is None else round(end + self._before, 3),
        )
        return HeardSegment(
            replace(report, segment=shifted),
            self.wall(segment.start_seconds),
            None if end is None else self.wall(end),
        )

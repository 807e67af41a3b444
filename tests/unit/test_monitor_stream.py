"""MonitorStream: wall-clock times from when audio arrives, and outages across reconnects.

The stream is a scripted radio (a stand-in for the decoder port: which connection drops
when, and how long the audio takes to arrive, on a fixed clock); the timeline behind it
is the real use case on twins and the C fingerprinter. Quiet noise matches nothing, so
every stretch is an unknown segment: the times are what is checked here.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.memory.audio_decoder import InMemoryAudioDecoder
from adapters.memory.clock import FixedClock
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from application.capacity.admission import AdmissionPolicy, CpuAdmission
from application.timeline.build_timeline import BuildTimeline
from application.timeline.monitor import (
    HeardSegment,
    MonitorStream,
    MonitorUpdate,
    ReconnectPolicy,
    StreamGap,
)
from application.timeline.policy import TimelinePolicy
from domain.audio import PcmAudio
from domain.errors import AudioIdentError, InputBrokeOff, SourceUnreachable
from domain.timeline.audio_source import AudioSource, StandardInput, UrlSource
from tests.support.fixtures.memory_app import MemoryApp

T0 = datetime(2026, 5, 1, 14, 0, tzinfo=UTC)
URL = UrlSource("http://radio.example/stream.mp3")


@dataclass(frozen=True, slots=True)
class Connection:
    """`seconds` of audio, the first `burst` of them arriving at once (a server's buffer),
    the rest as they play; then `then` is raised (None: the input ends). `waited`: seconds
    the clock moves before the connection answers."""

    seconds: float = 0.0
    burst: float = 0.0
    then: AudioIdentError | None = None
    waited: float = 0.0


class ScriptedRadio:
    """The AudioStreamDecoder port: the n-th open plays `script[n]` on `clock`."""

    def __init__(self, clock: FixedClock, script: list[Connection]) -> None:
        self._clock, self._script = clock, list(script)
        self.opened = 0

    async def blocks(
        self, source: AudioSource, sample_rate: int, block_seconds: float
    ) -> AsyncGenerator[PcmAudio, None]:
        connection = self._script[self.opened]
        self.opened += 1
        self._clock.advance(connection.waited)
        rng = np.random.default_rng(self.opened)
        sent = 0.0
        while sent < connection.seconds - 1e-9:
            size = min(block_seconds, connection.seconds - sent)
            arrives = max(0.0, min(size, sent + size - connection.burst))
            self._clock.advance(arrives)  # live audio arrives as fast as it plays
            sent += size
            noise = rng.normal(0.0, 0.01, round(size * sample_rate)).astype(np.float32)
            yield PcmAudio(noise, sample_rate)
        if connection.then is not None:
            raise connection.then


def broke_off() -> InputBrokeOff:
    return InputBrokeOff("the stream broke off", {"reason": "the server reset the connection"})


def refused() -> SourceUnreachable:
    return SourceUnreachable("cannot reach it", {"reason": "the connection was refused"})


def monitor(app: MemoryApp, radio: ScriptedRadio, clock: FixedClock) -> MonitorStream:
    timeline = BuildTimeline(
        radio,
        InMemoryAudioDecoder(),
        CffiLandmarkFingerprinter(),
        InMemoryFingerprintIndex(),
        app.uow,
        TimelinePolicy(),
        CpuAdmission(AdmissionPolicy.unbounded()),
    )
    return MonitorStream(timeline, clock)


async def updates_of(
    stream: MonitorStream,
    source: AudioSource,
    reconnect: ReconnectPolicy | None = None,
    into: list[MonitorUpdate] | None = None,
) -> list[MonitorUpdate]:
    """The updates; `into` keeps those that came before an error."""
    got = [] if into is None else into
    async for update in stream(source, reconnect):
        got.append(update)
    return got


def settled(updates: list[MonitorUpdate]) -> list[HeardSegment]:
    return [u for u in updates if isinstance(u, HeardSegment) and u.report.settled]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


async def test_a_live_stream_is_timed_by_when_its_audio_arrives(
    app: MemoryApp, clock: FixedClock
) -> None:
    radio = ScriptedRadio(clock, [Connection(30.0)])
    updates = await updates_of(monitor(app, radio, clock), URL)
    [whole] = settled(updates)
    assert (whole.report.segment.start_seconds, whole.report.segment.end_seconds) == (0.0, 30.0)
    assert (whole.started_at, whole.ended_at) == (at(0), at(30))
    started = [u for u in updates if isinstance(u, HeardSegment) and not u.report.settled]
    assert [(u.started_at, u.ended_at) for u in started] == [(at(0), None)]


async def test_the_burst_a_server_sends_on_connecting_is_placed_before_the_connection(
    app: MemoryApp, clock: FixedClock
) -> None:
    """8 s arrive at once: that audio played in the 8 s before it was sent."""
    radio = ScriptedRadio(clock, [Connection(30.0, burst=8.0)])
    [whole] = settled(await updates_of(monitor(app, radio, clock), URL))
    assert (whole.started_at, whole.ended_at) == (at(-8), at(22))


async def test_without_reconnect_a_drop_ends_it_after_what_was_heard(
    app: MemoryApp, clock: FixedClock
) -> None:
    radio = ScriptedRadio(clock, [Connection(20.0, then=broke_off()), Connection(20.0)])
    updates: list[MonitorUpdate] = []
    with pytest.raises(InputBrokeOff):
        await updates_of(monitor(app, radio, clock), URL, into=updates)
    [heard] = settled(updates)
    assert heard.report.segment.end_seconds == 20.0 and heard.ended_at == at(20)
    assert radio.opened == 1


async def test_with_reconnect_an_outage_is_a_gap_and_the_timeline_goes_on(
    app: MemoryApp, clock: FixedClock
) -> None:
    radio = ScriptedRadio(
        clock,
        [
            Connection(20.0, then=broke_off()),
            Connection(then=refused(), waited=3.0),  # still down
            Connection(15.0, waited=4.0),  # back 7 s after the drop, then the input ends
        ],
    )
    updates = await updates_of(monitor(app, radio, clock), URL, ReconnectPolicy(0.0, 0.0))
    gaps = [u for u in updates if isinstance(u, StreamGap)]
    reason = "the server reset the connection"
    assert gaps == [
        StreamGap(20.0, at(20), None, reason),  # as soon as it drops
        StreamGap(20.0, at(20), at(27), reason),  # once audio flows again
    ]
    before, after = settled(updates)
    assert (before.started_at, before.ended_at) == (at(0), at(20))
    # The stream's seconds count what was heard; the clock counts the outage too.
    assert (after.report.segment.start_seconds, after.report.segment.end_seconds) == (20.0, 35.0)
    assert (after.started_at, after.ended_at) == (at(27), at(42))
    assert updates.index(gaps[1]) < updates.index(after)
    assert radio.opened == 3


async def test_audio_a_server_sends_again_after_an_outage_is_not_placed_before_it(
    app: MemoryApp, clock: FixedClock
) -> None:
    """Back 2 s after the drop with a 10 s burst: 8 s of it were heard before. Times still
    run forward: the new audio starts where the old ended."""
    radio = ScriptedRadio(
        clock, [Connection(20.0, then=broke_off()), Connection(12.0, burst=10.0, waited=2.0)]
    )
    updates = await updates_of(monitor(app, radio, clock), URL, ReconnectPolicy(0.0, 0.0))
    closed = [u for u in updates if isinstance(u, StreamGap)][-1]
    assert (closed.started_at, closed.ended_at) == (at(20), at(20))
    _, after = settled(updates)
    assert (after.started_at, after.ended_at) == (at(20), at(32))


async def test_an_address_wrong_from_the_start_is_no_outage(
    app: MemoryApp, clock: FixedClock
) -> None:
    radio = ScriptedRadio(clock, [Connection(then=refused()), Connection(20.0)])
    with pytest.raises(SourceUnreachable):
        await updates_of(monitor(app, radio, clock), URL, ReconnectPolicy(0.0, 0.0))
    assert radio.opened == 1


async def test_only_an_address_is_opened_again(app: MemoryApp, clock: FixedClock) -> None:
    radio = ScriptedRadio(clock, [Connection(12.0, then=broke_off()), Connection(12.0)])
    with pytest.raises(InputBrokeOff):
        await updates_of(monitor(app, radio, clock), StandardInput(), ReconnectPolicy(0.0))
    assert radio.opened == 1


def test_tries_wait_longer_each_time_up_to_the_most() -> None:
    delays = ReconnectPolicy(first_delay_seconds=1.0, max_delay_seconds=5.0).delays()
    assert [next(delays) for _ in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]

"""Use case: what played when in a long recording or a live stream."""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from uuid import UUID

from application.capacity.admission import CpuAdmission
from application.timeline.policy import TimelinePacing, TimelinePolicy
from application.timeline.stream_prints import StreamPrints
from application.timeline.updates import Progress, SegmentReport, TimelineUpdate
from application.timeline.windows import WindowMatcher
from domain.audio import FINGERPRINT_RATE
from domain.errors import AudioIdentError, ErrorCode, InvalidAudio
from domain.library.track import Track
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_stream import AudioStreamDecoder
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.timeline.audio_source import AudioSource, FileSource
from domain.timeline.segmenter import Segmenter
from domain.timeline.segments import Segment, SegmentSettled, TimelineEvent

_TRACKS_KEPT = 256  # library rows remembered for segments to come


class BuildTimeline:
    """Decodes the input as a stream, fingerprints it once, matches overlapping windows
    and turns what they show into segments, reported as soon as each is certain.

    Yields Progress first for a file (with its length from its header), a SegmentReport when a
    segment's start is certain (`live` input only: a file's reader wants whole segments)
    and when it is settled, and Progress after each window. Memory stays bounded: a few
    blocks of audio and landmarks, and the open segments.

    Input that is not audio raises before anything else is reported (a file: before the
    first Progress). Input that breaks off, or passes `max_seconds`, raises after the
    segments up to that point are settled.

    CPU work goes through `admission` like a search's: a run is refused (`Overloaded`)
    before anything else when the service is saturated; once admitted, each block's
    fingerprinting and each window's matching takes a slot in turn (waiting in line, never
    refused half-way), so a long recording shares the cores instead of taking one.
    """

    def __init__(
        self,
        stream: AudioStreamDecoder,
        decoder: AudioDecoder,
        fingerprinter: Fingerprinter,
        index: FingerprintIndex,
        uow: UnitOfWorkFactory,
        policy: TimelinePolicy,
        admission: CpuAdmission,
    ) -> None:
        self._stream, self._decoder = stream, decoder
        self._fingerprinter, self._index = fingerprinter, index
        self._uow, self._policy, self._admission = uow, policy, admission
        self._tracks: OrderedDict[UUID, Track | None] = OrderedDict()

    async def __call__(
        self,
        source: AudioSource,
        live: bool = False,
        max_seconds: float | None = None,
        heard: Callable[[float], None] | None = None,
    ) -> AsyncGenerator[TimelineUpdate, None]:
        """`heard`, if given, is told the seconds of input received so far as each block
        arrives (a monitor times the stream by it)."""
        self._admission.refuse_if_saturated()
        total = await self._length(source)
        if max_seconds is not None and total is not None and total > max_seconds + 1.0:
            raise _too_long(max_seconds)
        if total is not None:
            yield Progress(0.0, total)
        pacing = self._policy.live if live else self._policy.file
        run = _Run(self._policy, pacing, self._fingerprinter, self._index, total, self._admission)
        failure: AudioIdentError | None = None
        blocks = self._stream.blocks(source, FINGERPRINT_RATE, pacing.read_seconds)
        async with contextlib.aclosing(blocks):
            try:
                async for block in blocks:
                    room = (
                        None if max_seconds is None else max_seconds - run.prints.received_seconds
                    )
                    if room is not None and block.duration_seconds > room:
                        run.prints.push(block.slice_seconds(0.0, room))
                        failure = _too_long(max_seconds or 0.0)
                        break
                    run.prints.push(block)
                    if heard is not None:
                        heard(run.prints.received_seconds)
                    await run.fingerprint_ready()
                    async for update in self._reports(run, run.windows_ready(), live):
                        yield update
            except AudioIdentError as error:
                if run.prints.received_seconds == 0:
                    raise  # not audio at all: nothing to settle
                failure = error
        async for update in self._reports(run, run.windows_final(), live):
            yield update
        if failure is not None:
            raise failure

    async def _reports(
        self, run: _Run, windows: AsyncIterator[list[TimelineEvent]], live: bool
    ) -> AsyncIterator[TimelineUpdate]:
        async for events in windows:
            for event in events:
                settled = isinstance(event, SegmentSettled)
                if settled or live:
                    segment, track = await self._joined(event.segment)
                    yield SegmentReport(segment, track, settled)
            yield Progress(round(run.analysed, 3), run.total)

    async def _length(self, source: AudioSource) -> float | None:
        """A file's length, from its header (a file that is not audio fails here); a stream's
        is unknown."""
        if not isinstance(source, FileSource):
            return None
        return (await self._decoder.probe(source.path)).duration_seconds or None

    async def _joined(self, segment: Segment) -> tuple[Segment, Track | None]:
        """The segment with its library row; a track deleted since it was indexed makes the
        segment unknown (the index forgets it once its projection catches up)."""
        if segment.track_id is None:
            return segment, None
        if segment.track_id not in self._tracks:
            async with self._uow() as uow:
                found = await uow.tracks.get_many([segment.track_id])
            self._tracks[segment.track_id] = found.get(segment.track_id)
            if len(self._tracks) > _TRACKS_KEPT:
                self._tracks.popitem(last=False)
        track = self._tracks[segment.track_id]
        if track is None:
            return Segment(segment.start_seconds, segment.end_seconds, None), None
        return segment, track


class _Run:
    """One stream's state: its landmarks, the segmenter, and the next window."""

    def __init__(
        self,
        policy: TimelinePolicy,
        pacing: TimelinePacing,
        fingerprinter: Fingerprinter,
        index: FingerprintIndex,
        total: float | None,
        admission: CpuAdmission,
    ) -> None:
        self.total, self._admission = total, admission
        self.prints = StreamPrints(fingerprinter, pacing.block_seconds, policy.passes[0])
        self.segmenter = Segmenter(policy.segments)
        self.match = WindowMatcher(index, self.prints, self.segmenter, policy, pacing)
        self._window, self._hop = policy.window_seconds, pacing.hop_seconds
        self._look_back = policy.look_back_seconds
        self._next = 0.0  # start of the next window
        self.analysed = 0.0  # end of the last window

    async def fingerprint_ready(self, final: bool = False) -> None:
        async with self._admission.slot(refusable=False):
            await self.prints.fingerprint_ready(final)

    async def windows_ready(self) -> AsyncIterator[list[TimelineEvent]]:
        """Every full window whose landmarks are all known."""
        while self._next + self._window <= self.prints.ready_seconds:
            yield await self._observe(self._next, self._next + self._window)

    async def windows_final(self) -> AsyncIterator[list[TimelineEvent]]:
        """The input ended: the windows left, one reaching its very end, and the rest."""
        await self.fingerprint_ready(final=True)
        async for events in self.windows_ready():
            yield events
        end = self.prints.received_seconds
        if end > self.analysed:
            yield await self._observe(max(0.0, end - self._window), end)
        yield self.segmenter.finish(end)

    async def _observe(self, start: float, end: float) -> list[TimelineEvent]:
        async with self._admission.slot(refusable=False):
            sightings = await self.match(start, end)
        events = self.segmenter.observe(sightings)
        self.analysed = end
        self._next = max(self._next, start) + self._hop
        # Kept: the audio a track starting in the next window is looked for in.
        self.prints.forget_before(self._next - max(self._hop, self._look_back))
        return events


def _too_long(limit: float) -> InvalidAudio:
    return InvalidAudio(
        ErrorCode.AUDIO_TOO_LONG, f"the input is longer than {limit:g} s", {"max_seconds": limit}
    )

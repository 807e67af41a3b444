"""The timeline use case on real parts: ffmpeg streaming, the C fingerprinter, LMDB, Postgres."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import UUID

import pytest

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.ffmpeg.stream import FfmpegAudioStream
from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from application.capacity.admission import AdmissionPolicy, CpuAdmission
from application.timeline.build_timeline import BuildTimeline
from application.timeline.policy import TimelinePolicy
from application.timeline.updates import Progress, SegmentReport, TimelineUpdate
from domain.errors import DecodingFailed, InvalidAudio, Overloaded
from domain.timeline.audio_source import AudioSource, ByteChunks, FileSource
from tests.support.audio_factory import write_wav
from tests.support.exact_stack import ExactStack
from tests.support.timeline_audio import FIRST, SECOND, SET, TRACK_SECONDS, Placed, mix

TOLERANCE = 1.5  # seconds: crossfades hide a track's edges, and windows see every ~0.1 s


@pytest.fixture
async def library(stack: ExactStack) -> dict[int, UUID]:
    ids = await stack.add_tracks(range(FIRST, SECOND + 1), seconds=TRACK_SECONDS)
    await stack.projector.catch_up()
    return dict(zip(range(FIRST, SECOND + 1), ids, strict=True))


@pytest.fixture
def timeline(stack: ExactStack) -> BuildTimeline:
    return BuildTimeline(
        FfmpegAudioStream(),
        FfmpegAudioDecoder(),
        CffiLandmarkFingerprinter(),
        stack.index,
        stack.uow,
        TimelinePolicy(),
        CpuAdmission(AdmissionPolicy.unbounded()),
    )


async def run(
    timeline: BuildTimeline, source: AudioSource, into: list[TimelineUpdate], **options: object
) -> list[TimelineUpdate]:
    async for update in timeline(source, **options):  # type: ignore[arg-type]
        into.append(update)
    return into


def settled(updates: list[TimelineUpdate]) -> list[SegmentReport]:
    return [u for u in updates if isinstance(u, SegmentReport) and u.settled]


def assert_matches(report: SegmentReport, placed: Placed, track_id: UUID | None) -> None:
    segment = report.segment
    assert segment.track_id == track_id
    assert segment.start_seconds == pytest.approx(placed.start, abs=TOLERANCE)
    assert segment.end_seconds == pytest.approx(placed.end, abs=TOLERANCE)
    if track_id is not None:
        assert report.track is not None and report.track.id == track_id
        assert segment.speed == pytest.approx(1.0, abs=0.005)
        position = segment.offset_seconds + (placed.start - segment.start_seconds)  # type: ignore[operator]
        assert position == pytest.approx(placed.offset, abs=0.05)


async def test_a_mix_becomes_its_segments_with_unknown_audio_between(
    timeline: BuildTimeline, library: dict[int, UUID], audio_dir: Path
) -> None:
    audio, placed = mix(SET)
    path = write_wav(audio_dir / "mix.wav", audio)
    updates = await run(timeline, FileSource(path), [])
    first, second, unknown, again = settled(updates)
    assert_matches(first, placed[0], library[FIRST])
    assert_matches(second, placed[1], library[SECOND])
    assert unknown.segment.track_id is None and unknown.track is None
    assert_matches(again, placed[3], library[FIRST])
    progress = [u for u in updates if isinstance(u, Progress)]
    assert progress[0] == Progress(0.0, pytest.approx(audio.duration_seconds, abs=0.05))
    assert progress[-1].seconds == pytest.approx(audio.duration_seconds, abs=0.01)


async def test_live_input_says_each_start_before_the_segment_settles(
    timeline: BuildTimeline, library: dict[int, UUID], audio_dir: Path
) -> None:
    audio, _ = mix(SET)
    path = write_wav(audio_dir / "mix.wav", audio)
    reports = [u for u in await run(timeline, FileSource(path), [], live=True) if
               isinstance(u, SegmentReport)]  # fmt: skip
    starts = [r for r in reports if not r.settled]
    known = [r.segment.track_id for r in starts if r.segment.known]
    assert known == [library[FIRST], library[SECOND], library[FIRST]]
    for start in starts:
        assert start.segment.end_seconds is None
        ended = next(r for r in reports if r.settled and r.segment.start_seconds
                     == start.segment.start_seconds)  # fmt: skip
        assert reports.index(start) < reports.index(ended)


async def test_input_that_breaks_off_settles_what_came_before_then_fails(
    timeline: BuildTimeline, library: dict[int, UUID], audio_dir: Path
) -> None:
    audio, placed = mix(SET)
    data = write_wav(audio_dir / "mix.wav", audio).read_bytes()
    cut = int(0.5 * len(data))  # in the middle of the second track

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, cut, 20_000):
            yield data[start : min(cut, start + 20_000)]
        raise ConnectionError("the browser went away")

    updates: list[TimelineUpdate] = []
    with pytest.raises(DecodingFailed, match="broke off"):
        await run(timeline, ByteChunks(chunks()), updates)
    first, second = settled(updates)
    assert_matches(first, placed[0], library[FIRST])
    assert second.segment.track_id == library[SECOND]
    assert second.segment.end_seconds == pytest.approx(cut / len(data) * audio.duration_seconds,
                                                       abs=TOLERANCE)  # fmt: skip


async def test_not_audio_fails_before_anything_is_reported(
    timeline: BuildTimeline, library: dict[int, UUID], audio_dir: Path
) -> None:
    junk = audio_dir / "notes.mp3"
    junk.write_text("these are not the sounds you are looking for\n" * 200)
    updates: list[TimelineUpdate] = []
    with pytest.raises(DecodingFailed):
        await run(timeline, FileSource(junk), updates)
    with pytest.raises(DecodingFailed):
        await run(timeline, ByteChunks(_once(junk.read_bytes())), updates)
    assert updates == []


async def test_input_longer_than_allowed_is_refused_after_its_segments(
    timeline: BuildTimeline, library: dict[int, UUID], audio_dir: Path
) -> None:
    audio, placed = mix(SET)
    path = write_wav(audio_dir / "mix.wav", audio)
    with pytest.raises(InvalidAudio) as refused:
        await run(timeline, FileSource(path), [], max_seconds=20.0)  # the header says 48 s
    assert refused.value.code == "AUDIO_TOO_LONG"
    updates: list[TimelineUpdate] = []
    stream = ByteChunks(_once(path.read_bytes()))  # no header to read: stopped at 20 s
    with pytest.raises(InvalidAudio, match="longer than 20 s"):
        await run(timeline, stream, updates, max_seconds=20.0)
    first, second = settled(updates)
    assert_matches(first, placed[0], library[FIRST])
    assert second.segment.end_seconds == pytest.approx(20.0, abs=TOLERANCE)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


class _Watched:
    """A port whose calls note how many CPU slots were taken at the time."""

    def __init__(self, inner: object, admission: CpuAdmission, seen: list[int]) -> None:
        self._inner, self._admission, self._seen = inner, admission, seen

    def __getattr__(self, name: str) -> object:
        found = getattr(self._inner, name)
        if not callable(found):
            return found

        async def watched(*args: object, **kwargs: object) -> object:
            self._seen.append(self._admission.running)
            return await found(*args, **kwargs)

        return watched


async def test_the_timeline_fingerprints_and_matches_only_inside_cpu_slots(
    stack: ExactStack, library: dict[int, UUID], audio_dir: Path
) -> None:
    admission = CpuAdmission(AdmissionPolicy(max_running=1, max_waiting=0, max_wait_seconds=1))
    seen: list[int] = []
    timeline = BuildTimeline(
        FfmpegAudioStream(),
        FfmpegAudioDecoder(),
        _Watched(CffiLandmarkFingerprinter(), admission, seen),  # type: ignore[arg-type]
        _Watched(stack.index, admission, seen),  # type: ignore[arg-type]
        stack.uow,
        TimelinePolicy(),
        admission,
    )
    audio, placed = mix(SET)
    path = write_wav(audio_dir / "mix.wav", audio)
    first, *_ = settled(await run(timeline, FileSource(path), []))
    assert_matches(first, placed[0], library[FIRST])
    assert len(seen) > 10 and set(seen) == {1}  # every call held the one slot
    assert (admission.running, admission.waiting) == (0, 0)

    async with admission.slot():  # saturated: a new timeline is refused before it starts
        with pytest.raises(Overloaded):
            await run(timeline, FileSource(path), [])

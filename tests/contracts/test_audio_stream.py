"""Contract of AudioStreamDecoder: the in-memory twin and ffmpeg as a child process."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from adapters.ffmpeg.stream import FfmpegAudioStream
from adapters.memory.audio_stream import InMemoryAudioStream
from domain.audio import PcmAudio
from domain.errors import DecodingFailed, InputBrokeOff, InvalidAudio, SourceUnreachable
from domain.ports.audio_stream import AudioStreamDecoder
from domain.timeline.audio_source import AudioSource, ByteChunks, FileSource, UrlSource
from tests.support.audio_factory import synth_track, write_wav
from tests.support.streams import closed_port_url, dying_server

RATE = 16_000


@pytest.fixture(params=["memory", "ffmpeg"])
def stream(request: pytest.FixtureRequest) -> AudioStreamDecoder:
    return InMemoryAudioStream() if request.param == "memory" else FfmpegAudioStream()


@pytest.fixture
def wav(audio_dir: Path) -> Path:
    return write_wav(audio_dir / "song.wav", synth_track(seed=8, seconds=5.3, rate=RATE))


async def collect(
    stream: AudioStreamDecoder,
    source: AudioSource,
    seconds: float,
    into: list[PcmAudio] | None = None,
) -> list[PcmAudio]:
    """The blocks; `into` keeps those that came before an error."""
    got = [] if into is None else into
    async for block in stream.blocks(source, RATE, seconds):
        got.append(block)
    return got


async def chunks_of(data: bytes, size: int, fail_after: int | None = None) -> AsyncIterator[bytes]:
    for number, start in enumerate(range(0, len(data), size)):
        if fail_after is not None and number == fail_after:
            raise ConnectionError("the client went away")
        yield data[start : start + size]
        await asyncio.sleep(0)


async def test_blocks_have_the_asked_length_and_add_up_to_the_file(
    stream: AudioStreamDecoder, wav: Path
) -> None:
    blocks = await collect(stream, FileSource(wav), 1.0)
    assert [len(b.samples) for b in blocks] == [RATE] * 5 + [int(0.3 * RATE)]
    assert all(b.sample_rate == RATE and b.samples.dtype == np.float32 for b in blocks)
    whole = np.concatenate([b.samples for b in blocks])
    original = synth_track(seed=8, seconds=5.3, rate=RATE).as_int16() / 32768.0
    assert np.max(np.abs(whole - original)) < 1e-3


async def test_bytes_arriving_in_pieces_decode_like_the_file(
    stream: AudioStreamDecoder, wav: Path
) -> None:
    from_file = await collect(stream, FileSource(wav), 2.0)
    pieces = ByteChunks(chunks_of(wav.read_bytes(), 3001))
    from_bytes = await collect(stream, pieces, 2.0)
    assert np.allclose(
        np.concatenate([b.samples for b in from_file]),
        np.concatenate([b.samples for b in from_bytes]),
        atol=1e-6,
    )


async def test_a_source_that_breaks_off_is_an_error_after_what_came_before(
    stream: AudioStreamDecoder, wav: Path
) -> None:
    pieces = ByteChunks(chunks_of(wav.read_bytes(), 32_000, fail_after=3))  # ~2.9 s arrive
    got: list[PcmAudio] = []
    with pytest.raises(InputBrokeOff, match="broke off") as raised:
        await collect(stream, pieces, 1.0, into=got)
    assert 2.0 <= sum(b.duration_seconds for b in got) <= 3.0
    assert raised.value.details["error"] == "the client went away"
    assert raised.value.code == "INPUT_BROKE_OFF"


async def test_an_address_that_cannot_be_reached_is_said_as_such(
    stream: AudioStreamDecoder,
) -> None:
    url = closed_port_url()
    with pytest.raises(SourceUnreachable) as raised:
        await collect(stream, UrlSource(url), 1.0)
    assert raised.value.code == "SOURCE_UNREACHABLE"
    assert raised.value.message.startswith(f"cannot reach {url}: ")
    assert raised.value.details["url"] == url


async def test_bytes_that_never_come_are_no_audio_and_no_error(
    stream: AudioStreamDecoder,
) -> None:
    assert await collect(stream, ByteChunks(chunks_of(b"", 100)), 1.0) == []


async def test_what_is_not_audio_fails_before_any_block(
    stream: AudioStreamDecoder, audio_dir: Path
) -> None:
    junk = audio_dir / "junk.mp3"
    junk.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(DecodingFailed):
        await collect(stream, FileSource(junk), 1.0)
    with pytest.raises(DecodingFailed):
        await collect(stream, ByteChunks(chunks_of(junk.read_bytes(), 500)), 1.0)
    empty = audio_dir / "empty.wav"
    empty.write_bytes(b"")
    with pytest.raises(InvalidAudio) as raised:
        await collect(stream, FileSource(empty), 1.0)
    assert raised.value.code == "EMPTY_FILE"


async def test_ffmpeg_stops_when_the_reader_does(audio_dir: Path) -> None:
    long_file = write_wav(audio_dir / "long.wav", synth_track(seed=6, seconds=120.0, rate=48_000))
    blocks = FfmpegAudioStream().blocks(FileSource(long_file), RATE, 0.5)
    async with contextlib.aclosing(blocks):
        await anext(blocks)
    running = subprocess.run(["pgrep", "-f", f"ffmpeg.*{long_file}"], capture_output=True)
    assert running.stdout == b""


async def test_ffmpeg_says_when_a_url_stream_dies_mid_way(wav: Path) -> None:
    data = wav.read_bytes()
    with dying_server(data, len(data) // 2) as url:
        got: list[PcmAudio] = []
        with pytest.raises(InputBrokeOff) as raised:
            await collect(FfmpegAudioStream(), UrlSource(url), 0.5, into=got)
    assert 2.0 <= sum(b.duration_seconds for b in got) <= 3.0
    # One sentence naming the stream and why, not ffmpeg's own lines.
    reason = "the server ended the connection early"
    assert raised.value.message == f"the stream from {url} broke off after 2.6 s: {reason}"
    assert raised.value.details == {"after_seconds": 2.649, "url": url, "reason": reason}


async def test_ffmpeg_gives_up_on_a_server_that_stops_sending(wav: Path) -> None:
    """Connected, but nothing arrives: after the source's stall time it is a drop, not a hang."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts into the backlog, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/silent.mp3"
    with listener, pytest.raises(SourceUnreachable) as raised:
        await asyncio.wait_for(collect(FfmpegAudioStream(), UrlSource(url, 1.0), 0.5), 30)
    assert raised.value.details["reason"] == "the connection timed out"

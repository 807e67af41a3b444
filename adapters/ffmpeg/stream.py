"""Decoding while the audio arrives: ffmpeg as a child reading a file, stdin, a URL or bytes."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator

import numpy as np
import structlog

from adapters.ffmpeg.network import network_reason, url_input_options
from adapters.ffmpeg.process import stop_process, without_inputs
from domain.audio import PcmAudio
from domain.errors import (
    DecodingFailed,
    ErrorCode,
    InputBrokeOff,
    InvalidAudio,
    SourceUnreachable,
)
from domain.timeline.audio_source import (
    AudioSource,
    ByteChunks,
    FileSource,
    StandardInput,
    UrlSource,
)

_READ_BYTES = 1 << 16
_KEPT_ERROR_LINES = 20  # ffmpeg may complain about every damaged frame of a long input
log = structlog.get_logger(__name__)


class FfmpegAudioStream:
    """AudioStreamDecoder by one `ffmpeg` child per stream, its PCM read from a pipe."""

    async def blocks(
        self, source: AudioSource, sample_rate: int, block_seconds: float
    ) -> AsyncGenerator[PcmAudio, None]:
        if isinstance(source, FileSource) and await asyncio.to_thread(_is_empty, source):
            raise InvalidAudio(ErrorCode.EMPTY_FILE, "the file is empty")
        name = _input_name(source)
        process = await asyncio.create_subprocess_exec(
            "ffmpeg", *_quiet(source), "-hide_banner", "-v", "error", *_input_options(source),
            "-i", name,
            "-map", "0:a:0", "-ac", "1", "-ar", str(sample_rate), "-f", "f32le", "pipe:1",
            stdin=_stdin(source), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        errors: deque[str] = deque(maxlen=_KEPT_ERROR_LINES)
        tasks = [asyncio.create_task(_collect(process.stderr, errors, name))]
        broken: list[BaseException] = []
        fed = [0]  # bytes handed to ffmpeg
        if isinstance(source, ByteChunks):
            tasks.append(asyncio.create_task(_feed(source, process, broken, fed)))
        block_bytes = 4 * max(1, round(block_seconds * sample_rate))
        pending = bytearray()
        decoded = 0
        try:
            while chunk := await process.stdout.read(_READ_BYTES):
                pending += chunk
                while len(pending) >= block_bytes:
                    decoded += block_bytes // 4
                    yield _pcm(pending[:block_bytes], sample_rate)
                    del pending[:block_bytes]
            if usable := len(pending) - len(pending) % 4:
                decoded += usable // 4
                yield _pcm(pending[:usable], sample_rate)
            await process.wait()
            await asyncio.gather(*tasks)
            if isinstance(source, ByteChunks) and not fed[0] and not broken:
                return  # the sender sent nothing at all: no audio, and no error either
            _raise_if_failed(
                process.returncode, source, list(errors), broken, decoded / sample_rate
            )
        finally:
            await stop_process(process, process.stdout)  # stderr: still read by its task
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def _raise_if_failed(
    returncode: int | None,
    source: AudioSource,
    errors: list[str],
    broken: list[BaseException],
    at: float,
) -> None:
    # A file's path is dropped (an upload's is the server's spool); a URL stays, to be told.
    name = _input_name(source)
    inputs = (name, str(source.path)) if isinstance(source, FileSource) else ()
    last = without_inputs(errors[-1], *inputs) if errors else "no details from ffmpeg"
    details: dict[str, object] = {"after_seconds": round(at, 3)}
    if broken:
        raise InputBrokeOff(
            f"the input broke off after {at:.1f} s", {**details, "error": str(broken[0])}
        )
    url = source.url if isinstance(source, UrlSource) else None
    reason = network_reason(errors) if url is not None else None
    if returncode and at == 0:
        if url is not None and reason is not None:
            raise SourceUnreachable(f"cannot reach {url}: {reason}", {"url": url, "reason": reason})
        raise DecodingFailed("not audio, or a format that cannot be decoded", {"ffmpeg": last})
    # ffmpeg ends with status 0 when an input dies mid-way (a dropped connection); what it
    # says is a line naming the input itself: "http://…: Input/output error".
    failures = [line for line in errors if line.startswith(f"{name}: ")]
    if returncode or failures:
        if url is not None:
            said = reason or "the connection was lost"
            raise InputBrokeOff(
                f"the stream from {url} broke off after {at:.1f} s: {said}",
                {**details, "url": url, "reason": said},
            )
        raise InputBrokeOff(
            f"the input broke off after {at:.1f} s",
            {**details, "ffmpeg": without_inputs((failures or [last])[-1], *inputs)},
        )


def _pcm(raw: bytearray, sample_rate: int) -> PcmAudio:
    return PcmAudio(np.frombuffer(bytes(raw), dtype="<f4").astype(np.float32), sample_rate)


def _input_name(source: AudioSource) -> str:
    if isinstance(source, StandardInput | ByteChunks):
        return "pipe:0"
    if isinstance(source, FileSource):
        return f"file:{source.path}"  # never read as another protocol ("x:y.mp3")
    return source.url


def _input_options(source: AudioSource) -> list[str]:
    return url_input_options(source.stall_seconds) if isinstance(source, UrlSource) else []


def _quiet(source: AudioSource) -> list[str]:
    """ffmpeg reads keys from a terminal on stdin unless told not to (or stdin is the input)."""
    return [] if isinstance(source, StandardInput | ByteChunks) else ["-nostdin"]


def _stdin(source: AudioSource) -> int | None:
    if isinstance(source, StandardInput):
        return None  # ffmpeg reads this process's own standard input
    return asyncio.subprocess.PIPE if isinstance(source, ByteChunks) else asyncio.subprocess.DEVNULL


async def _collect(stream: asyncio.StreamReader, lines: deque[str], name: str) -> None:
    """Keep ffmpeg's last few complaints (reading them all keeps it from blocking); they go
    to the log at DEBUG, never to the user as they are: the error raised says what they mean."""
    while raw := await stream.readline():
        if text := raw.decode(errors="replace").strip():
            lines.append(text)
            log.debug("ffmpeg says", input=name, line=text)


async def _feed(
    source: ByteChunks,
    process: asyncio.subprocess.Process,
    broken: list[BaseException],
    fed: list[int],
) -> None:
    assert process.stdin is not None
    try:
        async for chunk in source.chunks:
            process.stdin.write(chunk)
            fed[0] += len(chunk)
            await process.stdin.drain()
    except (BrokenPipeError, ConnectionResetError):
        pass  # ffmpeg stopped reading: its own exit status says why
    except Exception as error:  # the source failed: the input broke off here
        broken.append(error)
    finally:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            process.stdin.close()


def _is_empty(source: FileSource) -> bool:
    return source.path.is_file() and source.path.stat().st_size == 0

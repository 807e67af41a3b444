from __future__ import annotations

import asyncio
import io
import sys
import wave
from collections.abc import AsyncGenerator
from typing import IO

import numpy as np

from adapters.memory.audio_decoder import InMemoryAudioDecoder, resampled
from adapters.wav.decoder import read_wav
from domain.audio import PcmAudio
from domain.errors import DecodingFailed, InputBrokeOff, SourceUnreachable
from domain.timeline.audio_source import (
    AudioSource,
    ByteChunks,
    FileSource,
    StandardInput,
    UrlSource,
)


class InMemoryAudioStream:
    """AudioStreamDecoder over the twin decoder's audio: files it knows or reads (16-bit WAV),
    registered URLs, and WAV bytes from standard input or chunks. Unlike ffmpeg it reads the
    input whole before the first block: a twin for tests, not for hours of audio."""

    def __init__(
        self, decoder: InMemoryAudioDecoder | None = None, stdin: IO[bytes] | None = None
    ) -> None:
        self.decoder = decoder or InMemoryAudioDecoder()
        self._stdin = stdin

    async def blocks(
        self, source: AudioSource, sample_rate: int, block_seconds: float
    ) -> AsyncGenerator[PcmAudio, None]:
        audio, broken = await self._whole(source, sample_rate)
        size = max(1, round(block_seconds * sample_rate))
        for start in range(0, len(audio.samples), size):
            yield PcmAudio(audio.samples[start : start + size], sample_rate)
        if broken is not None:
            raise InputBrokeOff(
                f"the input broke off after {audio.duration_seconds:.1f} s",
                {"after_seconds": round(audio.duration_seconds, 3), "error": str(broken)},
            )

    async def _whole(
        self, source: AudioSource, sample_rate: int
    ) -> tuple[PcmAudio, Exception | None]:
        if isinstance(source, FileSource):
            return await self.decoder.decode(source.path, sample_rate), None
        if isinstance(source, UrlSource):
            if source.url not in self.decoder.library:
                reason = "nothing is registered at this address"
                raise SourceUnreachable(
                    f"cannot reach {source.url}: {reason}", {"url": source.url, "reason": reason}
                )
            return resampled(self.decoder.library[source.url][1], sample_rate), None
        broken: Exception | None = None
        if isinstance(source, StandardInput):
            handle = self._stdin or sys.stdin.buffer
            data = await asyncio.to_thread(handle.read)
        else:
            data, broken = await _gather(source)
            if not data and broken is None:
                return PcmAudio(np.zeros(0, np.float32), sample_rate), None  # nothing sent
        try:
            return resampled(read_wav(io.BytesIO(data))[1], sample_rate), broken
        except (wave.Error, EOFError, ValueError):
            if broken is not None:
                raise InputBrokeOff("the input broke off", {"error": str(broken)}) from None
            raise DecodingFailed("not audio, or a format that cannot be decoded") from None


async def _gather(source: ByteChunks) -> tuple[bytes, Exception | None]:
    parts: list[bytes] = []
    try:
        async for chunk in source.chunks:
            parts.append(chunk)
    except Exception as error:  # the source failed: what came before it still counts
        return b"".join(parts), error
    return b"".join(parts), None

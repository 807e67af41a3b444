from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import numpy as np

from adapters.wav.decoder import NotPlainWav, read_wav
from domain.audio import AudioInfo, PcmAudio
from domain.errors import DecodingFailed, ErrorCode, InvalidAudio


class InMemoryAudioDecoder:
    """Serves audio registered by file name, and reads plain 16-bit PCM WAV files itself
    (the in-process reader's `read_wav`), so uploads under any name decode; anything else is
    'not audio'."""

    def __init__(self) -> None:
        self.library: dict[str, tuple[AudioInfo, PcmAudio]] = {}

    def register(self, name: str, audio: PcmAudio, info: AudioInfo | None = None) -> None:
        self.library[name] = (info or _info(audio, "pcm_f32le", audio.sample_rate, 1), audio)

    async def _lookup(self, path: Path) -> tuple[AudioInfo, PcmAudio]:
        if await asyncio.to_thread(_is_empty, path):
            raise InvalidAudio(ErrorCode.EMPTY_FILE, "the file is empty")
        if path.name in self.library:
            return self.library[path.name]
        try:
            return await asyncio.to_thread(_read_wav, path)
        except (wave.Error, EOFError, OSError, NotPlainWav):
            raise DecodingFailed(f"not an audio file: {path.name}") from None

    async def probe(self, path: Path) -> AudioInfo:
        return (await self._lookup(path))[0]

    async def decode(
        self, path: Path, sample_rate: int, max_seconds: float | None = None
    ) -> PcmAudio:
        audio = (await self._lookup(path))[1]
        if max_seconds is not None:
            audio = audio.slice_seconds(0.0, max_seconds)
        return resampled(audio, sample_rate)


def resampled(audio: PcmAudio, sample_rate: int) -> PcmAudio:
    """Linear interpolation: plain, and good enough for a twin."""
    if audio.sample_rate == sample_rate:
        return audio
    count = int(round(len(audio.samples) * sample_rate / audio.sample_rate))
    source_times = np.arange(len(audio.samples)) / audio.sample_rate
    target_times = np.arange(count) / sample_rate
    samples = np.interp(target_times, source_times, audio.samples).astype(np.float32)
    return PcmAudio(samples, sample_rate)


def _info(audio: PcmAudio, codec: str, rate: int, channels: int) -> AudioInfo:
    return AudioInfo("wav", codec, audio.duration_seconds, rate, channels, None)


def _read_wav(path: Path) -> tuple[AudioInfo, PcmAudio]:
    with path.open("rb") as file:
        return read_wav(file)


def _is_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == 0

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np

from domain.audio import AudioInfo, PcmAudio
from domain.errors import DecodingFailed, InvalidAudio


class InMemoryAudioDecoder:
    """Serves audio registered by file name; anything else is 'not audio'."""

    def __init__(self) -> None:
        self.library: dict[str, tuple[AudioInfo, PcmAudio]] = {}

    def register(self, name: str, audio: PcmAudio, info: AudioInfo | None = None) -> None:
        self.library[name] = (
            info
            or AudioInfo("wav", "pcm_f32le", audio.duration_seconds, audio.sample_rate, 1, None),
            audio,
        )

    async def _lookup(self, path: Path) -> tuple[AudioInfo, PcmAudio]:
        if await asyncio.to_thread(_is_empty, path):
            raise InvalidAudio("EMPTY_FILE", "the file is empty")
        try:
            return self.library[path.name]
        except KeyError:
            raise DecodingFailed(f"not an audio file: {path.name}") from None

    async def probe(self, path: Path) -> AudioInfo:
        return (await self._lookup(path))[0]

    async def decode(
        self, path: Path, sample_rate: int, max_seconds: float | None = None
    ) -> PcmAudio:
        audio = (await self._lookup(path))[1]
        if max_seconds is not None:
            audio = audio.slice_seconds(0.0, max_seconds)
        if audio.sample_rate == sample_rate:
            return audio
        count = int(round(len(audio.samples) * sample_rate / audio.sample_rate))
        source_times = np.arange(len(audio.samples)) / audio.sample_rate
        target_times = np.arange(count) / sample_rate
        resampled = np.interp(target_times, source_times, audio.samples).astype(np.float32)
        return PcmAudio(resampled, sample_rate)


def _is_empty(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == 0

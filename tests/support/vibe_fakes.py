"""Just enough storage and decoder for the embedding projection: files are names."""

from __future__ import annotations

from pathlib import Path

from domain.audio import AudioInfo, PcmAudio
from domain.errors import DecodingFailed


class NamedAudio:
    """Storage and decoder in one: a storage key is a name, its 'file' is registered audio."""

    def __init__(self) -> None:
        self.audio: dict[str, PcmAudio] = {}
        self.decoded: list[str] = []

    async def put(self, source: Path, sha256: str, suffix: str) -> str:
        return source.name

    async def local_path(self, key: str) -> Path:
        if key not in self.audio:
            raise FileNotFoundError(key)
        return Path(key)

    async def delete(self, key: str) -> None:
        self.audio.pop(key, None)

    async def exists(self, key: str) -> bool:
        return key in self.audio

    async def probe(self, path: Path) -> AudioInfo:
        audio = await self.decode(path, 48_000)
        return AudioInfo("wav", "pcm_f32le", audio.duration_seconds, audio.sample_rate, 1, None)

    async def decode(self, path: Path, sample_rate: int) -> PcmAudio:
        if path.name not in self.audio:
            raise DecodingFailed(f"not audio: {path.name}")
        audio = self.audio[path.name]
        if audio.sample_rate != sample_rate:
            raise DecodingFailed(f"registered at {audio.sample_rate} Hz, asked for {sample_rate}")
        self.decoded.append(path.name)
        return audio

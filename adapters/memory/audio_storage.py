from __future__ import annotations

import asyncio
import hashlib
import tempfile
from pathlib import Path

from domain.errors import ErrorCode, InvalidAudio
from domain.library.source_file import SourceFile


class InMemoryAudioStorage:
    """Keeps file contents in a dict; `local_path` materialises them in a private temp dir."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}
        self._scratch = Path(tempfile.mkdtemp(prefix="audio-ident-mem-"))

    async def inspect(self, source: Path) -> SourceFile:
        try:
            content = await asyncio.to_thread(source.read_bytes)
        except OSError as exc:
            raise InvalidAudio(
                ErrorCode.UNREADABLE_FILE, f"cannot read file: {exc.strerror}"
            ) from exc
        return SourceFile(len(content), hashlib.sha256(content).hexdigest())

    async def put(self, source: Path, sha256: str, suffix: str) -> str:
        key = f"{sha256}{suffix}"
        self.blobs[key] = await asyncio.to_thread(source.read_bytes)
        return key

    async def local_path(self, key: str) -> Path:
        if key not in self.blobs:
            raise FileNotFoundError(key)
        path = self._scratch / key
        await asyncio.to_thread(path.write_bytes, self.blobs[key])
        return path

    async def delete(self, key: str) -> None:
        self.blobs.pop(key, None)

    async def exists(self, key: str) -> bool:
        return key in self.blobs

    async def stored_keys(self) -> list[str]:
        return sorted(self.blobs)

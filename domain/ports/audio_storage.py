from __future__ import annotations

from pathlib import Path
from typing import Protocol

from domain.library.source_file import SourceFile


class AudioStorage(Protocol):
    """Keeps original files, content-addressed by their SHA-256."""

    async def inspect(self, source: Path) -> SourceFile:
        """Size and SHA-256 of a file; raises InvalidAudio (UNREADABLE_FILE) if unreadable."""
        ...

    async def put(self, source: Path, sha256: str, suffix: str) -> str:
        """Copy `source` in (atomically) and return its storage key; idempotent per content."""
        ...

    async def local_path(self, key: str) -> Path:
        """A readable local path for the stored file. Raises FileNotFoundError if absent."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the stored file; a missing key is not an error."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def stored_keys(self) -> list[str]:
        """Every stored key. Unfinished copies left by a killed process are removed on the
        way (a copy in progress in a live process is left alone)."""
        ...

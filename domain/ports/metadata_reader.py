from __future__ import annotations

from pathlib import Path
from typing import Protocol

from domain.audio import Tags


class MetadataReader(Protocol):
    """Reads descriptive tags (title, artist, album); missing tags come back as None."""

    async def read(self, path: Path) -> Tags: ...

from __future__ import annotations

from pathlib import Path

from domain.audio import Tags


class InMemoryMetadataReader:
    """Tags registered by file name; files without any have no tags."""

    def __init__(self) -> None:
        self.tags: dict[str, Tags] = {}

    async def read(self, path: Path) -> Tags:
        return self.tags.get(path.name, Tags())

from __future__ import annotations

import asyncio
from pathlib import Path

import mutagen

from domain.audio import Tags

_KEYS = {
    "title": ("title", "TIT2", "\xa9nam", "Title"),
    "artist": ("artist", "TPE1", "\xa9ART", "Author", "albumartist", "TPE2"),
    "album": ("album", "TALB", "\xa9alb", "WM/AlbumTitle"),
}


class MutagenMetadataReader:
    """Reads title/artist/album from ID3, Vorbis comments, MP4 atoms and ASF tags."""

    async def read(self, path: Path) -> Tags:
        return await asyncio.to_thread(self._read, path)

    def _read(self, path: Path) -> Tags:
        try:
            audio = mutagen.File(path)  # pyright: ignore[reportPrivateImportUsage]
        except Exception:  # a tag parser failure must not fail the ingest
            return Tags()
        if audio is None:
            return Tags()
        length = getattr(getattr(audio, "info", None), "length", None)
        declared = float(length) if length else None
        tags = getattr(audio, "tags", None)
        if not tags:
            return Tags(declared_seconds=declared)
        found = {field: _first(tags, keys) for field, keys in _KEYS.items()}
        return Tags(**found, declared_seconds=declared)


def _first(tags: object, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        try:
            value = tags[key]  # type: ignore[index]
        except (KeyError, ValueError, TypeError):
            continue
        text = value.text if hasattr(value, "text") else value
        if isinstance(text, list) and text:
            text = text[0]
        cleaned = str(text).strip()
        if cleaned:
            return cleaned
    return None

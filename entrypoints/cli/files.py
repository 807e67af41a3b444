"""Expanding the PATH arguments of `ingest` into the files to try."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

AUDIO_SUFFIXES = frozenset(
    {".mp3", ".wav", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".mp4", ".aac", ".wma", ".aif"}
    | {".aiff", ".webm", ".mka", ".ape", ".wv"}
)


def expand_paths(arguments: list[str], recursive: bool) -> Iterator[str]:
    """Named files always; from a directory only audio files (its subfolders if recursive).

    Yields paths as the user spelled them, so reports can be matched to the input.
    """
    for argument in arguments:
        path = Path(argument)
        if not path.is_dir():
            yield argument
            continue
        walker = path.rglob("*") if recursive else path.glob("*")
        for found in sorted(walker):
            if found.is_file() and found.suffix.lower() in AUDIO_SUFFIXES:
                yield str(found)

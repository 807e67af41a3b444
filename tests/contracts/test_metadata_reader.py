"""Contract of MetadataReader: in-memory twin and mutagen."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.memory.metadata_reader import InMemoryMetadataReader
from adapters.mutagen.metadata_reader import MutagenMetadataReader
from domain.audio import Tags
from domain.ports.metadata_reader import MetadataReader
from tests.support.audio_factory import encode, synth_track, write_wav

TAGS = Tags(title="Frontiers", artist="ASC Band", album="Machine Wars")


@pytest.fixture(params=["memory", "mutagen"])
def reader_and_files(
    request: pytest.FixtureRequest, audio_dir: Path
) -> tuple[MetadataReader, Path, Path]:
    wav = write_wav(audio_dir / "plain.wav", synth_track(seed=1, seconds=1.0))
    tagged = encode(
        wav,
        audio_dir / "tagged.mp3",
        "-metadata", f"title={TAGS.title}",
        "-metadata", f"artist={TAGS.artist}",
        "-metadata", f"album={TAGS.album}",
    )  # fmt: skip
    if request.param == "memory":
        memory = InMemoryMetadataReader()
        memory.tags[tagged.name] = TAGS
        return memory, tagged, wav
    return MutagenMetadataReader(), tagged, wav


async def test_reads_title_artist_album(
    reader_and_files: tuple[MetadataReader, Path, Path],
) -> None:
    reader, tagged, _ = reader_and_files
    tags = await reader.read(tagged)
    assert (tags.title, tags.artist, tags.album) == (TAGS.title, TAGS.artist, TAGS.album)


async def test_untagged_file_has_no_tags(
    reader_and_files: tuple[MetadataReader, Path, Path],
) -> None:
    reader, _, plain = reader_and_files
    tags = await reader.read(plain)
    assert (tags.title, tags.artist, tags.album) == (None, None, None)
    # The declared length may be unknown, but never wrong.
    assert tags.declared_seconds is None or tags.declared_seconds == pytest.approx(1.0, abs=0.05)


async def test_declared_length_comes_from_the_header(audio_dir: Path) -> None:
    whole = write_wav(audio_dir / "whole.wav", synth_track(2, 10.0))
    cut = audio_dir / "cut.wav"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    tags = await MutagenMetadataReader().read(cut)
    assert tags.declared_seconds == pytest.approx(10.0, abs=0.01)


async def test_unparseable_file_has_no_tags(audio_dir: Path) -> None:
    junk = audio_dir / "junk.flac"
    junk.write_bytes(b"fLaC" + bytes(64))
    assert await MutagenMetadataReader().read(junk) == Tags()

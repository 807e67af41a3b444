"""Contract of AudioStorage: in-memory twin and the filesystem adapter."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from pathlib import Path

import pytest

from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.memory.audio_storage import InMemoryAudioStorage
from domain.errors import InvalidAudio
from domain.ports.audio_storage import AudioStorage


@pytest.fixture(params=["memory", "filesystem"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> AudioStorage:
    if request.param == "memory":
        return InMemoryAudioStorage()
    return FilesystemAudioStorage(tmp_path / "store")


async def test_inspect_gives_size_and_sha256(storage: AudioStorage, tmp_path: Path) -> None:
    source = tmp_path / "a.bin"
    source.write_bytes(b"x" * 3000)
    facts = await storage.inspect(source)
    assert facts.size == 3000
    assert facts.sha256 == hashlib.sha256(b"x" * 3000).hexdigest()


async def test_unreadable_source_is_a_clear_error(storage: AudioStorage, tmp_path: Path) -> None:
    with pytest.raises(InvalidAudio) as caught:
        await storage.inspect(tmp_path / "missing.mp3")
    assert caught.value.code == "UNREADABLE_FILE"
    with pytest.raises(InvalidAudio):
        await storage.inspect(tmp_path)  # a directory


async def test_put_read_delete_round_trip(storage: AudioStorage, tmp_path: Path) -> None:
    source = tmp_path / "song.MP3"
    source.write_bytes(b"audio bytes")
    sha = hashlib.sha256(b"audio bytes").hexdigest()
    key = await storage.put(source, sha, source.suffix)
    assert key == await storage.put(source, sha, source.suffix)  # idempotent
    assert await storage.exists(key)
    assert (await storage.local_path(key)).read_bytes() == b"audio bytes"
    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    assert not await storage.exists(key)
    with pytest.raises(FileNotFoundError):
        await storage.local_path(key)


async def test_keys_cannot_escape_the_root(tmp_path: Path) -> None:
    storage = FilesystemAudioStorage(tmp_path / "store")
    with pytest.raises(ValueError, match="escapes"):
        await storage.local_path("../../etc/passwd")


async def test_stored_keys_lists_every_file(storage: AudioStorage, tmp_path: Path) -> None:
    assert await storage.stored_keys() == []
    keys = []
    for name in ("a.wav", "b.mp3"):
        source = tmp_path / name
        source.write_bytes(name.encode() * 100)
        found = await storage.inspect(source)
        keys.append(await storage.put(source, found.sha256, source.suffix))
    assert await storage.stored_keys() == sorted(keys)
    await storage.delete(keys[0])
    assert await storage.stored_keys() == [keys[1]]


async def test_copies_a_killed_process_left_unfinished_are_removed(tmp_path: Path) -> None:
    storage = FilesystemAudioStorage(tmp_path)
    folder = tmp_path / "blobs" / "ab"
    folder.mkdir(parents=True)
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()
    abandoned = folder / f".incoming-{dead.pid}-x1y2"
    in_progress = folder / f".incoming-{os.getpid()}-z3w4"
    for path in (abandoned, in_progress):
        path.write_bytes(b"half a file")
    assert await storage.stored_keys() == []
    assert not abandoned.exists() and in_progress.exists()


async def test_a_shared_folder_keeps_other_machines_copies_in_progress(tmp_path: Path) -> None:
    # Several serving nodes share one folder: a pid from another machine means nothing here.
    shared = tmp_path / "shared-blobs"
    one, other = (
        FilesystemAudioStorage(tmp_path / "one", shared),
        FilesystemAudioStorage(tmp_path / "two", shared),
    )
    source = tmp_path / "song.wav"
    source.write_bytes(b"RIFF a song")
    key = await one.put(source, "cd" + "0" * 62, ".WAV")
    assert (shared / key).read_bytes() == b"RIFF a song" and not (tmp_path / "one").exists()
    dead = await asyncio.create_subprocess_exec("true")
    await dead.wait()
    elsewhere = shared / "cd" / f".incoming-{dead.pid}@another_host-k5m6"
    here = shared / "cd" / f".incoming-{dead.pid}@{socket.gethostname().replace('-', '_')}-p7q8"
    for path in (elsewhere, here):
        path.write_bytes(b"half a file")
    assert await other.stored_keys() == [key]
    assert elsewhere.exists() and not here.exists()


async def test_stored_prints_beside_the_originals_are_no_stored_keys(tmp_path: Path) -> None:
    # The tracks' stored prints live in the originals' folder (prints/): the orphan sweep
    # must never take them for originals nobody owns.
    storage = FilesystemAudioStorage(tmp_path / "store")
    source = tmp_path / "a.mp3"
    source.write_bytes(b"audio")
    key = await storage.put(source, hashlib.sha256(b"audio").hexdigest(), ".mp3")
    prints = tmp_path / "store" / "blobs" / "prints" / "ab"
    prints.mkdir(parents=True)
    (prints / ("ab" + "0" * 62)).write_bytes(b"prints")
    assert await storage.stored_keys() == [key]

"""What only the LMDB index has: one environment per process, read-only readers, on-disk state."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest

from adapters.lmdb_index.environment import close_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from application.identify.exact_lookup import match_exact
from domain.exact.fingerprint import LandmarkFingerprint

TRACK = uuid.UUID(int=7)
PRINT = LandmarkFingerprint(
    np.arange(100, 140, dtype=np.uint64), np.arange(40, dtype=np.uint32) * 3, 0.008, frames=200
)


async def test_reader_before_any_writer_sees_an_empty_index(tmp_path: Path) -> None:
    reader = LmdbFingerprintIndex(tmp_path / "none", readonly=True)
    assert await reader.hash_count(TRACK) is None
    assert await match_exact(reader, PRINT, 3) == []


async def test_reader_sees_what_the_writer_committed(tmp_path: Path) -> None:
    path = tmp_path / "index"
    writer = LmdbFingerprintIndex(path)
    reader = LmdbFingerprintIndex(path, readonly=True)
    await writer.put(TRACK, PRINT)
    assert await reader.hash_count(TRACK) == 40
    assert (await match_exact(reader, PRINT, 1))[0].track_id == TRACK
    await writer.remove(TRACK)
    assert await reader.hash_count(TRACK) is None
    close_environment(path)


async def test_a_reader_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "index"
    await LmdbFingerprintIndex(path).put(TRACK, PRINT)
    close_environment(path)
    reader = LmdbFingerprintIndex(path, readonly=True)
    with pytest.raises(PermissionError):
        await reader.put(TRACK, PRINT)
    assert await reader.hash_count(TRACK) == 40
    close_environment(path)


async def test_index_survives_reopening_and_keeps_its_key_shift(tmp_path: Path) -> None:
    path = tmp_path / "index"
    await LmdbFingerprintIndex(path, key_shift=8).put(TRACK, PRINT)
    close_environment(path)
    reopened = LmdbFingerprintIndex(path, key_shift=0)
    assert (await match_exact(reopened, PRINT, 1))[0].aligned_hashes == 40
    await reopened.remove(TRACK)
    assert await match_exact(reopened, PRINT, 1) == []
    close_environment(path)


async def test_hashes_beyond_32_bits_are_refused(tmp_path: Path) -> None:
    wide = LandmarkFingerprint(np.array([1 << 40], np.uint64), np.zeros(1, np.uint32), 0.008)
    with pytest.raises(ValueError, match="32-bit"):
        await LmdbFingerprintIndex(tmp_path / "index").put(TRACK, wide)
    close_environment(tmp_path / "index")


async def test_a_reader_follows_a_published_rebuild(tmp_path: Path) -> None:
    def tiny(hashes: list[int]) -> LandmarkFingerprint:
        times = np.arange(len(hashes), dtype=np.uint32)
        return LandmarkFingerprint(np.asarray(hashes, np.uint64), times, 0.008, frames=100)

    path = tmp_path / "generations"
    writer = LmdbFingerprintIndex(path)
    reader = LmdbFingerprintIndex(path, readonly=True)
    old, new = uuid.uuid4(), uuid.uuid4()
    await writer.put(old, tiny([1, 2, 3]))
    assert await reader.track_counts() == {old: 3}
    await writer.begin_rebuild()
    await writer.put(new, tiny([4, 5]))
    assert await reader.track_counts() == {old: 3}
    await writer.finish_rebuild()
    assert await reader.track_counts() == {new: 2}
    assert not (path / "data.mdb").exists()  # the first generation's files are gone
    await writer.begin_rebuild()
    await writer.put(old, tiny([7]))
    await writer.finish_rebuild()
    assert await reader.track_counts() == {old: 1}
    assert len([p for p in path.iterdir() if p.name.startswith("generation-")]) == 1
    for directory in [path, *path.iterdir()]:
        close_environment(directory)

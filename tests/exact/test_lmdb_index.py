"""What only the LMDB index has: one environment per process, read-only readers, on-disk state."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest

from adapters.lmdb_index.environment import close_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from domain.fingerprint import LandmarkFingerprint

TRACK = uuid.UUID(int=7)
PRINT = LandmarkFingerprint(
    np.arange(100, 140, dtype=np.uint64), np.arange(40, dtype=np.uint32) * 3, 0.008, frames=200
)


async def test_reader_before_any_writer_sees_an_empty_index(tmp_path: Path) -> None:
    reader = LmdbFingerprintIndex(tmp_path / "none", readonly=True)
    assert await reader.hash_count(TRACK) is None
    assert await reader.match(PRINT, 3) == []


async def test_reader_sees_what_the_writer_committed(tmp_path: Path) -> None:
    path = tmp_path / "index"
    writer = LmdbFingerprintIndex(path)
    reader = LmdbFingerprintIndex(path, readonly=True)
    await writer.put(TRACK, PRINT)
    assert await reader.hash_count(TRACK) == 40
    assert (await reader.match(PRINT, 1))[0].track_id == TRACK
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
    assert (await reopened.match(PRINT, 1))[0].aligned_hashes == 40
    await reopened.remove(TRACK)
    assert await reopened.match(PRINT, 1) == []
    close_environment(path)


async def test_hashes_beyond_32_bits_are_refused(tmp_path: Path) -> None:
    wide = LandmarkFingerprint(np.array([1 << 40], np.uint64), np.zeros(1, np.uint32), 0.008)
    with pytest.raises(ValueError, match="32-bit"):
        await LmdbFingerprintIndex(tmp_path / "index").put(TRACK, wide)
    close_environment(tmp_path / "index")

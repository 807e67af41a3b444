"""The LMDB index keeps the highest event position a put applied, in that put's transaction:
a copy of its folder says how far into the log it holds; a rebuild's generation brings its
own position at the swap."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import numpy as np

from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from domain.exact.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import FingerprintIndex


def _tiny(seed: int) -> LandmarkFingerprint:
    hashes = np.asarray([seed, seed + 1, seed + 2], np.uint64)
    return LandmarkFingerprint(hashes, np.asarray([1, 2, 3], np.uint32), 0.008, frames=100)


async def _positions(index: FingerprintIndex) -> list[int]:
    seen = [await index.applied_position()]
    await index.put(uuid.uuid4(), _tiny(10), 4)
    await index.put(uuid.uuid4(), _tiny(20), 9)
    seen.append(await index.applied_position())
    await index.put(uuid.uuid4(), _tiny(30), 7)  # a retried parked event: never lowers it
    seen.append(await index.applied_position())
    await index.begin_rebuild()
    await index.put(uuid.uuid4(), _tiny(40), 3)
    seen.append(await index.applied_position())  # the live generation's until the swap
    await index.finish_rebuild()
    seen.append(await index.applied_position())
    return seen


async def test_the_twin_and_lmdb_keep_the_applied_position(tmp_path: Path) -> None:
    lmdb = LmdbFingerprintIndex(tmp_path / "lmdb")
    assert await _positions(lmdb) == [0, 9, 9, 9, 3]
    await lmdb.put(uuid.uuid4(), _tiny(50), 12)
    assert await _positions(InMemoryFingerprintIndex()) == [0, 9, 9, 9, 3]

    shutil.copytree(tmp_path / "lmdb", tmp_path / "copy")
    copy = LmdbFingerprintIndex(tmp_path / "copy", readonly=True)
    assert await copy.applied_position() == 12
    assert len(await copy.track_counts()) == 2  # the rebuilt generation's two tracks

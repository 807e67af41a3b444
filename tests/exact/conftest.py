"""Fixtures of the exact lane: both FingerprintIndex adapters, the C fingerprinter, tracks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import close_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from domain.audio import PcmAudio
from domain.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import FingerprintIndex
from tests.exact.synthetic import synthetic_track

TRACK_SEEDS = (11, 22, 33)


@pytest.fixture(scope="session")
def tracks() -> dict[uuid.UUID, PcmAudio]:
    """Three distinct 40 s synthetic tracks, keyed by a stable id."""
    return {uuid.UUID(int=seed): synthetic_track(seed) for seed in TRACK_SEEDS}


@pytest.fixture(scope="session")
def fingerprinter() -> CffiLandmarkFingerprinter:
    return CffiLandmarkFingerprinter()


@pytest.fixture(scope="session")
async def reference_prints(
    tracks: dict[uuid.UUID, PcmAudio], fingerprinter: CffiLandmarkFingerprinter
) -> dict[uuid.UUID, LandmarkFingerprint]:
    return {tid: await fingerprinter.reference(audio) for tid, audio in tracks.items()}


@pytest.fixture(params=["memory", "lmdb", "lmdb-shift8"])
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[FingerprintIndex]:
    """The same contract suite runs against the in-memory twin and LMDB."""
    if request.param == "memory":
        yield InMemoryFingerprintIndex()
        return
    path = tmp_path / "lmdb"
    yield LmdbFingerprintIndex(path, key_shift=8 if request.param == "lmdb-shift8" else 0)
    close_environment(path)


@pytest.fixture
async def filled_index(
    index: FingerprintIndex, reference_prints: dict[uuid.UUID, LandmarkFingerprint]
) -> FingerprintIndex:
    for track_id, fingerprint in reference_prints.items():
        await index.put(track_id, fingerprint)
    return index

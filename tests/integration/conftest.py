"""Real adapters end to end: Postgres, ffmpeg, Chromaprint, mutagen, the filesystem."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.chromaprint.dedup_fingerprinter import ChromaprintDedupFingerprinter
from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.lmdb_index.environment import close_environment
from adapters.mutagen.metadata_reader import MutagenMetadataReader
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.system.clock import SystemClock
from application.admission import AdmissionPolicy, CpuAdmission
from application.ingest_file import IngestFile
from application.ingest_policy import IngestPolicy
from tests.integration.exact_stack import ExactStack, exact_stack


@pytest.fixture
def storage_root(tmp_path: Path) -> Path:
    return tmp_path / "storage"


@pytest.fixture
def ingest(engine: AsyncEngine, storage_root: Path) -> IngestFile:
    return IngestFile(
        PostgresUnitOfWorkFactory(engine),
        FilesystemAudioStorage(storage_root),
        FfmpegAudioDecoder(),
        MutagenMetadataReader(),
        ChromaprintDedupFingerprinter(),
        SystemClock(),
        IngestPolicy(max_seconds=60),
        CpuAdmission(AdmissionPolicy.unbounded()),
    )


@pytest.fixture
async def stack(
    engine: AsyncEngine, ingest: IngestFile, storage_root: Path, audio_dir: Path
) -> AsyncIterator[ExactStack]:
    """The exact lane on real adapters; its LMDB environments are closed afterwards."""
    built = exact_stack(PostgresUnitOfWorkFactory(engine), ingest, storage_root, audio_dir)
    yield built
    for directory in [storage_root / "lmdb", *(storage_root / "lmdb").glob("generation-*")]:
        close_environment(directory)


@pytest.fixture
def cli_env(database_url: str, storage_root: Path) -> dict[str, str]:
    """Environment for running the real `audio-ident` command against the test database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    env.update(DATABASE_URL=database_url, AUDIO_STORAGE_ROOT=str(storage_root))
    env["EMBEDDING_MODEL"] = "none"
    return env


def stored_blobs(storage_root: Path) -> list[Path]:
    return [p for p in storage_root.rglob("*") if p.is_file()] if storage_root.exists() else []

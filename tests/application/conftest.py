"""Use cases wired to in-memory twins only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from adapters.memory.audio_decoder import InMemoryAudioDecoder
from adapters.memory.audio_storage import InMemoryAudioStorage
from adapters.memory.clock import FixedClock
from adapters.memory.database import InMemoryDatabase
from adapters.memory.dedup_fingerprinter import BandEnergyDedupFingerprinter
from adapters.memory.metadata_reader import InMemoryMetadataReader
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.admission import AdmissionPolicy, CpuAdmission
from application.ingest_file import IngestFile
from application.ingest_policy import IngestPolicy
from domain.audio import AudioInfo, PcmAudio


@dataclass
class MemoryApp:
    db: InMemoryDatabase
    uow: InMemoryUnitOfWorkFactory
    storage: InMemoryAudioStorage
    decoder: InMemoryAudioDecoder
    metadata: InMemoryMetadataReader
    ingest: IngestFile
    folder: Path

    def add_file(self, name: str, audio: PcmAudio, info: AudioInfo | None = None) -> Path:
        """A file on disk (its bytes give its hash) that the twin decoder knows as `audio`."""
        path = self.folder / name
        path.write_bytes(np.asarray(audio.samples).tobytes() + name.encode())
        self.decoder.register(name, audio, info)
        return path


@pytest.fixture
def app(tmp_path: Path, memory_db: InMemoryDatabase, clock: FixedClock) -> MemoryApp:
    uow = InMemoryUnitOfWorkFactory(memory_db, clock)
    storage, decoder = InMemoryAudioStorage(), InMemoryAudioDecoder()
    metadata = InMemoryMetadataReader()
    ingest = IngestFile(
        uow, storage, decoder, metadata, BandEnergyDedupFingerprinter(), clock,
        IngestPolicy(max_seconds=120), CpuAdmission(AdmissionPolicy.unbounded()),
    )  # fmt: skip
    return MemoryApp(memory_db, uow, storage, decoder, metadata, ingest, tmp_path)

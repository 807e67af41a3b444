"""The exact lane wired on real adapters for integration tests (Postgres, ffmpeg, LMDB or
another index, C)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.filesystem.print_store import FilesystemPrintStore
from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from application.identify.identify_exact import IdentifyExact
from application.library.ingest_file import IngestFile
from application.library.reference_prints import ReferencePrints
from application.projections.fingerprint import FingerprintProjection
from application.projections.projector import Projector
from domain.audio import FINGERPRINT_RATE
from domain.ports.fingerprint_index import FingerprintIndex
from tests.support.audio_factory import synth_track, write_wav


@dataclass
class ExactStack:
    uow: PostgresUnitOfWorkFactory
    storage: FilesystemAudioStorage
    prints: FilesystemPrintStore
    decoder: FfmpegAudioDecoder
    index: FingerprintIndex
    projection: FingerprintProjection
    projector: Projector
    ingest: IngestFile
    identify: IdentifyExact
    folder: Path

    def on(self, index: FingerprintIndex) -> Projector:
        """The lane and its projection moved onto another index; a projector feeding it."""
        self.index = index
        fingerprinter = CffiLandmarkFingerprinter()
        reference = ReferencePrints(fingerprinter, self.prints)
        self.projection = FingerprintProjection(self.storage, self.decoder, index, reference)
        self.identify = IdentifyExact(fingerprinter, index)
        self.projector = Projector(self.projection, self.uow, backoff_seconds=(0, 0))
        return self.projector

    async def add_tracks(self, seeds: range, seconds: float = 20.0) -> list[UUID]:
        ids = []
        for seed in seeds:
            path = write_wav(self.folder / f"track{seed}.wav", synth_track(seed, seconds))
            outcome = await self.ingest(path)
            assert outcome.track_id is not None, outcome.reason
            ids.append(outcome.track_id)
        return ids

    async def answers(self, seeds: range, start: float = 4.0, seconds: float = 6.0) -> list[object]:
        """Top exact answer (track, offset) for a clip of each seeded track."""
        found = []
        for seed in seeds:
            clip = synth_track(seed, 20.0, FINGERPRINT_RATE).slice_seconds(start, start + seconds)
            matches = await self.identify(clip, 1)
            found.append(
                (matches[0].track_id, round(matches[0].offset_seconds, 2)) if matches else None
            )
        return found


def exact_stack(
    uow: PostgresUnitOfWorkFactory, ingest: IngestFile, root: Path, folder: Path
) -> ExactStack:
    storage = FilesystemAudioStorage(root)
    decoder = FfmpegAudioDecoder()
    fingerprinter = CffiLandmarkFingerprinter()
    index = LmdbFingerprintIndex(root / "lmdb")
    prints = FilesystemPrintStore(root / "blobs" / "prints")
    reference = ReferencePrints(fingerprinter, prints)
    projection = FingerprintProjection(storage, decoder, index, reference)
    projector = Projector(projection, uow, backoff_seconds=(0, 0))
    identify = IdentifyExact(fingerprinter, index)
    return ExactStack(
        uow, storage, prints, decoder, index, projection, projector, ingest, identify, folder
    )

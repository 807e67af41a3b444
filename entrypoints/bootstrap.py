"""The one place where adapters are chosen and wired, with explicit parameters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.chromaprint.dedup_fingerprinter import ChromaprintDedupFingerprinter
from adapters.embedded_postgres.server import start_embedded_postgres
from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.ffmpeg.process import check_ffmpeg
from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.mutagen.metadata_reader import MutagenMetadataReader
from adapters.postgres.engine import asyncpg_dsn, create_engine
from adapters.postgres.event_notifier import PostgresEventNotifier
from adapters.postgres.migrate import upgrade_to_head
from adapters.postgres.projection_lock import PostgresProjectionLock
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.system.clock import SystemClock
from application.identify_clip import IdentifyClip, IdentifyPolicy
from application.ingest_file import IngestFile
from application.ingest_policy import IngestPolicy
from application.projections.embedding import EmbeddingProjection
from application.projections.fingerprint import FingerprintProjection
from application.projector import Projector
from application.run_projections import RunProjections
from entrypoints.lanes import Lanes
from entrypoints.settings import Settings


@dataclass
class Core:
    """Adapters every entrypoint shares, opened once per process."""

    settings: Settings
    database_url: str
    engine: AsyncEngine
    uow: PostgresUnitOfWorkFactory
    storage: FilesystemAudioStorage
    decoder: FfmpegAudioDecoder
    metadata: MutagenMetadataReader
    dedup: ChromaprintDedupFingerprinter
    clock: SystemClock


async def resolve_database_url(settings: Settings) -> str:
    """DATABASE_URL when set, else the embedded server under AUDIO_STORAGE_ROOT."""
    if settings.database_url:
        return settings.database_url
    return await start_embedded_postgres(settings.embedded_postgres_dir)


@asynccontextmanager
async def open_core(settings: Settings) -> AsyncIterator[Core]:
    await check_ffmpeg()
    database_url = await resolve_database_url(settings)
    await upgrade_to_head(database_url)
    engine = create_engine(database_url)
    try:
        yield Core(
            settings=settings,
            database_url=database_url,
            engine=engine,
            uow=PostgresUnitOfWorkFactory(engine),
            storage=FilesystemAudioStorage(settings.audio_storage_root),
            decoder=FfmpegAudioDecoder(),
            metadata=MutagenMetadataReader(),
            dedup=ChromaprintDedupFingerprinter(),
            clock=SystemClock(),
        )
    finally:
        await engine.dispose()


def ingest_file(core: Core) -> IngestFile:
    policy = IngestPolicy(max_seconds=core.settings.max_audio_seconds)
    return IngestFile(
        core.uow, core.storage, core.decoder, core.metadata, core.dedup, core.clock, policy
    )


PROJECTION_NAMES = ("fingerprint", "embedding")


def projectors(core: Core, lanes: Lanes) -> list[Projector]:
    """Every projection this process can run, each behind its own projector.

    Without a loaded CLAP model the embedding projection cannot run here; its checkpoint
    then lags (see `outbox status`) until a process with the model catches it up.
    """
    found: list[Projector] = [
        Projector(
            FingerprintProjection(
                core.storage, core.decoder, lanes.fingerprinter, lanes.fingerprint_index
            ),
            core.uow,
        )
    ]
    if lanes.embedder is not None:
        projection = EmbeddingProjection(
            core.storage, core.decoder, lanes.embedder, lanes.vector_index
        )
        found.append(Projector(projection, core.uow))
    return found


@asynccontextmanager
async def run_projections(
    core: Core, lanes: Lanes, poll_seconds: float = 5.0, only: Collection[str] | None = None
) -> AsyncIterator[RunProjections]:
    """The projection runner of this process, for every projection or those in `only`."""
    notifier = PostgresEventNotifier(asyncpg_dsn(core.database_url))
    chosen = [p for p in projectors(core, lanes) if only is None or p.name in only]
    try:
        yield RunProjections(
            chosen,
            PostgresProjectionLock(core.engine),
            notifier,
            core.uow,
            poll_seconds,
        )
    finally:
        await notifier.close()


def identify_clip(core: Core, lanes: Lanes) -> IdentifyClip:
    policy = IdentifyPolicy()
    return IdentifyClip(core.decoder, lanes.identify_exact(), lanes.vibe_search(), core.uow, policy)

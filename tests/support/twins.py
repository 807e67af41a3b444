"""Every port's in-memory twin as one provider: the HTTP API with no Postgres, ffmpeg,
LMDB, Qdrant or torch (the twin decoder reads plain WAV itself)."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.memory.audio_decoder import InMemoryAudioDecoder
from adapters.memory.audio_storage import InMemoryAudioStorage
from adapters.memory.audio_stream import InMemoryAudioStream
from adapters.memory.clock import FixedClock
from adapters.memory.database import InMemoryDatabase
from adapters.memory.dedup_fingerprinter import BandEnergyDedupFingerprinter
from adapters.memory.embedder import InMemoryEmbedder
from adapters.memory.event_notifier import InMemoryEventNotifier
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from adapters.memory.login_failures import InMemoryLoginFailures
from adapters.memory.metadata_reader import InMemoryMetadataReader
from adapters.memory.password_hasher import PlainSha256PasswordHasher
from adapters.memory.print_store import InMemoryPrintStore
from adapters.memory.projection_lock import InMemoryProjectionLock
from adapters.memory.token_issuer import InMemoryTokenIssuer
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from adapters.memory.users import InMemoryUserRepository
from adapters.memory.vector_index import InMemoryVectorIndex
from application.identify.vibe_model import VibeModel
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.audio_stream import AudioStreamDecoder
from domain.ports.clock import Clock
from domain.ports.dedup_fingerprinter import DedupFingerprinter
from domain.ports.event_notifier import EventNotifier
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.ports.login_failures import LoginFailures
from domain.ports.metadata_reader import MetadataReader
from domain.ports.password_hasher import PasswordHasher
from domain.ports.print_store import PrintStore
from domain.ports.projection_lock import ProjectionLock
from domain.ports.token_issuer import TokenIssuer
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.ports.users import UserRepository
from domain.ports.vector_index import VectorIndex
from tests.support.numpy_fingerprinter import NumpyLandmarkFingerprinter


class InMemoryAdapters(Provider):
    """What `real_adapters()` provides, each port by its twin (one set per container)."""

    scope = Scope.APP

    @provide
    def database(self) -> InMemoryDatabase:
        return InMemoryDatabase()

    @provide
    def clock(self) -> Clock:
        return FixedClock()

    @provide
    def uow(self, db: InMemoryDatabase, clock: Clock) -> UnitOfWorkFactory:
        return InMemoryUnitOfWorkFactory(db, clock)

    @provide
    def notifier(self, db: InMemoryDatabase) -> EventNotifier:
        return InMemoryEventNotifier(db)

    @provide
    def tokens(self, clock: Clock) -> TokenIssuer:
        return InMemoryTokenIssuer(clock)

    @provide
    def vibe_model(self) -> VibeModel:
        return VibeModel(True, InMemoryEmbedder())

    @provide
    def audio_stream(self) -> AudioStreamDecoder:
        return InMemoryAudioStream()  # reads WAV uploads itself, like the twin decoder

    @provide
    def login_failures(self) -> LoginFailures:
        return InMemoryLoginFailures()

    users = provide(InMemoryUserRepository, provides=UserRepository)
    lock = provide(InMemoryProjectionLock, provides=ProjectionLock)
    hasher = provide(PlainSha256PasswordHasher, provides=PasswordHasher)
    storage = provide(InMemoryAudioStorage, provides=AudioStorage)
    prints = provide(InMemoryPrintStore, provides=PrintStore)
    decoder = provide(InMemoryAudioDecoder, provides=AudioDecoder)
    metadata = provide(InMemoryMetadataReader, provides=MetadataReader)
    dedup = provide(BandEnergyDedupFingerprinter, provides=DedupFingerprinter)
    fingerprinter = provide(NumpyLandmarkFingerprinter, provides=Fingerprinter)
    fingerprint_index = provide(InMemoryFingerprintIndex, provides=FingerprintIndex)
    vector_index = provide(InMemoryVectorIndex, provides=VectorIndex)

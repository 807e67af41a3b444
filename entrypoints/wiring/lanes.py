"""The two search lanes' stores and models: landmarks in LMDB or Redis Cluster (exact), CLAP
and Qdrant (vibe)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from application.identify.vibe_model import VibeModel
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.ports.vector_index import VectorIndex
from entrypoints.settings import Settings
from entrypoints.wiring.clap import load_clap
from entrypoints.wiring.role import ProcessRole


class LanesProvider(Provider):
    scope = Scope.APP

    @provide
    def fingerprinter(self) -> Fingerprinter:
        return CffiLandmarkFingerprinter()

    @provide
    async def fingerprint_index(
        self, settings: Settings, role: ProcessRole
    ) -> AsyncIterator[FingerprintIndex]:
        """A Redis Cluster when FINGERPRINT_INDEX_URL is set, else LMDB files."""
        if settings.fingerprint_index_url:
            from adapters.redis_index.fingerprint_index import RedisFingerprintIndex  # when used

            shared = RedisFingerprintIndex(settings.fingerprint_index_url)
            yield shared
            await shared.close()
            return
        # Readers in other processes see the writer's commits (and rebuilt generations).
        path = settings.fingerprint_index_path
        yield LmdbFingerprintIndex(path, readonly=not role.runs_projections)

    @provide
    async def vector_index(self, settings: Settings) -> AsyncIterator[VectorIndex]:
        """A Qdrant server when QDRANT_URL is set, else the embedded engine (one process)."""
        if settings.qdrant_url:
            from adapters.qdrant_server.vector_index import QdrantServerIndex  # only when used

            index: QdrantEdgeIndex | QdrantServerIndex = QdrantServerIndex(
                url=settings.qdrant_url,
                collection=settings.qdrant_collection_name,
                dimension=settings.embedding_dim,
            )
        else:
            index = QdrantEdgeIndex(
                settings.audio_storage_root / "qdrant", dimension=settings.embedding_dim
            )
        yield index
        await index.close()

    @provide
    async def vibe_model(self, settings: Settings, role: ProcessRole) -> VibeModel:
        if role.loads_model or not settings.vibe_enabled:
            # Logged by a worker, whose vector index then falls behind; `serve` says it in
            # its "ready" line, and the other commands report the lane themselves.
            worker = role.runs_projections and not role.serves_requests
            embedder, reason = await load_clap(settings, warn=worker)
        else:
            embedder, reason = None, "this command does not load the CLAP model"
        return VibeModel(settings.vibe_enabled, embedder, reason)

"""The projections this process runs, whose copy (which node's) each is, and their stores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dishka import Provider, Scope, provide

from application.identify.vibe_model import VibeModel
from application.library.reference_prints import ReferencePrints
from application.projections.embedding import EmbeddingProjection
from application.projections.fingerprint import FingerprintProjection
from application.projections.projector import Projector
from application.projections.run_projections import RunProjections
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.audio_storage import AudioStorage
from domain.ports.event_notifier import EventNotifier
from domain.ports.fingerprint_index import FingerprintIndex
from domain.ports.projection_lock import ProjectionLock
from domain.ports.projection_store import ProjectionStore
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.ports.vector_index import VectorIndex
from domain.projections.names import ProjectionName
from domain.projections.nodes import NodeProjections
from entrypoints.settings import Settings
from entrypoints.wiring.role import ProcessRole


class ProjectionsProvider(Provider):
    scope = Scope.APP

    @provide
    def kept(self, model: VibeModel) -> Sequence[ProjectionName]:
        return model.kept_projections

    @provide
    def nodes(self, settings: Settings) -> NodeProjections:
        """A projection on a store every node reaches (a Redis Cluster, a Qdrant server) is
        one copy for the deployment; one in an embedded store (LMDB, the embedded Qdrant
        engine) is this node's own."""
        shared = [
            name
            for name, url in (
                (ProjectionName.FINGERPRINT, settings.fingerprint_index_url),
                (ProjectionName.EMBEDDING, settings.qdrant_url),
            )
            if url
        ]
        return NodeProjections.of(settings.node_id, shared)

    @provide
    def stores(
        self, fingerprints: FingerprintIndex, vectors: VectorIndex
    ) -> Mapping[str, ProjectionStore]:
        """Every projection's store, by name (verify reads them without a model)."""
        return {ProjectionName.FINGERPRINT: fingerprints, ProjectionName.EMBEDDING: vectors}

    @provide
    def runner(
        self,
        role: ProcessRole,
        uow: UnitOfWorkFactory,
        lock: ProjectionLock,
        notifier: EventNotifier,
        storage: AudioStorage,
        decoder: AudioDecoder,
        reference: ReferencePrints,
        fingerprints: FingerprintIndex,
        vectors: VectorIndex,
        model: VibeModel,
        nodes: NodeProjections,
    ) -> RunProjections:
        """Every projection this process can run. Without a loaded CLAP model the embedding
        projection cannot run here; its checkpoint then lags (see `outbox status`) until a
        process with the model catches it up."""
        projections: list[FingerprintProjection | EmbeddingProjection] = [
            FingerprintProjection(storage, decoder, fingerprints, reference)
        ]
        if model.embedder is not None:
            projections.append(EmbeddingProjection(storage, decoder, model.embedder, vectors))
        projectors = [
            Projector(projection, uow, node=nodes.key(projection.name).node)
            for projection in projections
        ]
        return RunProjections(projectors, lock, notifier, uow, role.poll_seconds)

"""Wiring of the two search lanes: landmark index (exact) and CLAP + Qdrant (vibe)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from application.identify_exact import IdentifyExact
from application.vibe_search import VibeSearch
from domain.errors import LaneUnavailable
from domain.ports.embedder import Embedder
from entrypoints.settings import Settings

if TYPE_CHECKING:
    from adapters.qdrant_server.vector_index import QdrantServerIndex

log = structlog.get_logger(__name__)


@dataclass
class Lanes:
    """The adapters behind both lanes, opened once per process."""

    fingerprinter: CffiLandmarkFingerprinter
    fingerprint_index: LmdbFingerprintIndex
    vector_index: QdrantEdgeIndex | QdrantServerIndex
    embedder: Embedder | None
    vibe_unavailable_reason: str

    def identify_exact(self) -> IdentifyExact:
        return IdentifyExact(self.fingerprinter, self.fingerprint_index)

    def vibe_search(self) -> VibeSearch:
        return VibeSearch(
            self.embedder, self.vector_index, unavailable_reason=self.vibe_unavailable_reason
        )


async def load_clap(settings: Settings) -> tuple[Embedder | None, str]:
    """The embedder, or None and the reason the vibe lane is off; never fails the start."""
    if not settings.vibe_enabled:
        return None, "the vibe lane is switched off (EMBEDDING_MODEL=none)"
    # Imported here: torch takes seconds to import, and most commands never embed.
    from adapters.clap.loader import load_embedder

    try:
        embedder = await asyncio.to_thread(
            load_embedder,
            settings.embedding_model,
            settings.torch_threads,
            precision=settings.embedding_precision,
        )
    except LaneUnavailable as error:
        log.warning("vibe lane unavailable", reason=error.message)
        return None, error.message
    if embedder is None:
        return None, "the vibe lane is switched off"
    if embedder.dimension != settings.embedding_dim:
        # Caught here rather than at the first write, where it would park every event.
        reason = (
            f"the vibe lane is unavailable: {settings.embedding_model} makes "
            f"{embedder.dimension}-d embeddings but EMBEDDING_DIM={settings.embedding_dim}; "
            "set EMBEDDING_DIM to match (and replay the embedding projection)"
        )
        log.warning("vibe lane unavailable", reason=reason)
        return None, reason
    return embedder, ""


@asynccontextmanager
async def open_lanes(settings: Settings, *, writer: bool, load_model: bool) -> AsyncIterator[Lanes]:
    """`writer`: this process runs the projectors (LMDB opened writable).

    Without `load_model` the vibe lane is reported unavailable (commands that never embed).
    """
    if settings.qdrant_url:
        from adapters.qdrant_server.vector_index import QdrantServerIndex  # only when used

        vectors: QdrantEdgeIndex | QdrantServerIndex = QdrantServerIndex(
            url=settings.qdrant_url,
            collection=settings.qdrant_collection_name,
            dimension=settings.embedding_dim,
        )
    else:
        vectors = QdrantEdgeIndex(
            settings.audio_storage_root / "qdrant", dimension=settings.embedding_dim
        )
    if load_model or not settings.vibe_enabled:
        embedder, reason = await load_clap(settings)
    else:
        embedder, reason = None, "this command does not load the CLAP model"
    lanes = Lanes(
        CffiLandmarkFingerprinter(),
        LmdbFingerprintIndex(settings.olaf_lmdb_path, readonly=not writer),
        vectors,
        embedder,
        reason,
    )
    try:
        yield lanes
    finally:
        await vectors.close()

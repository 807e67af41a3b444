"""Loading the CLAP model at start: the vibe lane on, or off with the reason why."""

from __future__ import annotations

import asyncio

import structlog

from domain.errors import LaneUnavailable
from domain.ports.embedder import Embedder
from entrypoints.settings import Settings

log = structlog.get_logger(__name__)


async def load_clap(settings: Settings, warn: bool = True) -> tuple[Embedder | None, str]:
    """The embedder, or None and the reason the vibe lane is off; never fails the start.
    `warn`: log the reason (a command that reports it itself, say search-text, need not)."""
    if not settings.vibe_enabled:
        return None, "the vibe lane is switched off (EMBEDDING_MODEL=none)"
    from adapters.clap.hub import locate

    try:
        # Located first: a model that cannot be had here fails before torch is imported.
        located = await asyncio.to_thread(locate, settings.embedding_model)
        # Imported here: torch takes seconds to import, and most commands never embed.
        from adapters.clap.loader import load_embedder

        embedder = await asyncio.to_thread(
            load_embedder,
            located,
            settings.torch_threads,
            precision=settings.embedding_precision,
        )
    except LaneUnavailable as error:
        if warn:
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
        if warn:
            log.warning("vibe lane unavailable", reason=reason)
        return None, reason
    return embedder, ""

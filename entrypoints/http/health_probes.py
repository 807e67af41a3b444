"""Readiness: is each store and model usable right now, and how far behind are the indexes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from entrypoints.bootstrap import Core
from entrypoints.http.schemas.health import Check, ProjectionLag, Readiness
from entrypoints.lanes import Lanes

PROBE_TIMEOUT_SECONDS = 2.0
_NOBODY = UUID(int=0)  # a lookup that touches the store and finds nothing


class HealthProbes:
    """Postgres and the fingerprint index are required: without them nothing can be
    identified. The vector index and the CLAP model only serve the vibe lane, which
    degrades on its own (searches report it in `lanes`), so they are reported, not required.
    """

    def __init__(self, core: Core, lanes: Lanes, projection_names: tuple[str, ...]) -> None:
        self._core, self._lanes, self._projections = core, lanes, projection_names

    async def readiness(self) -> Readiness:
        head: dict[str, Any] = {}
        checks: dict[str, Check] = dict(
            zip(
                ("postgres", "fingerprint_index", "vector_index", "clap_model"),
                await asyncio.gather(
                    _probe(True, lambda: self._event_log(head)),
                    _probe(True, lambda: self._lanes.fingerprint_index.hash_count(_NOBODY)),
                    self._vector_index(),
                    self._model(),
                ),
                strict=True,
            )
        )
        if any(c.required and c.status == "down" for c in checks.values()):
            status = "not_ready"
        elif any(c.status == "down" for c in checks.values()):
            status = "degraded"
        else:
            status = "ready"
        return Readiness(
            status=status,
            checks=checks,
            event_log_head=head.get("head"),
            projections=head.get("lags", {}),
        )

    async def _event_log(self, into: dict[str, Any]) -> None:
        async with self._core.uow() as uow:
            head = await uow.events.head()
            lags = {}
            for name in self._projections:
                checkpoint = await uow.checkpoints.get(name)
                lags[name] = ProjectionLag(
                    checkpoint=checkpoint, lag_events=max(0, head - checkpoint)
                )
        into.update(head=head, lags=lags)

    async def _vector_index(self) -> Check:
        if not self._core.settings.vibe_enabled:
            return Check(status="disabled", required=False, latency_ms=0.0)
        return await _probe(False, lambda: self._lanes.vector_index.chunk_count(_NOBODY))

    async def _model(self) -> Check:
        if not self._core.settings.vibe_enabled:
            return Check(status="disabled", required=False, latency_ms=0.0)
        if self._lanes.embedder is None:
            return Check(
                status="down",
                required=False,
                latency_ms=0.0,
                detail=self._lanes.vibe_unavailable_reason,
            )
        return Check(
            status="ok", required=False, latency_ms=0.0, detail=self._lanes.embedder.model_name
        )


async def _probe(required: bool, call: Callable[[], Awaitable[object]]) -> Check:
    started = time.perf_counter()

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000, 1)

    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            await call()
    except TimeoutError:
        return Check(status="down", required=required, latency_ms=elapsed(), detail="timed out")
    except Exception as error:  # a probe reports any failure, it never raises
        detail = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        return Check(status="down", required=required, latency_ms=elapsed(), detail=detail)
    return Check(status="ok", required=required, latency_ms=elapsed())

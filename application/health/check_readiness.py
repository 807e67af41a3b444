"""Use case: is each store and model usable right now, and how far behind are the indexes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from uuid import UUID

from application.health.first_catch_up import FirstCatchUp
from application.identify.vibe_model import VibeModel
from application.projections.status import ProjectionState, ProjectionStatus, StatusReport
from domain.ports.fingerprint_index import FingerprintIndex
from domain.ports.vector_index import VectorIndex
from domain.projections.names import ProjectionName
from domain.projections.nodes import NodeProjections

PROBE_TIMEOUT_SECONDS = 2.0
_NOBODY = UUID(int=0)  # a lookup that touches the store and finds nothing


CheckState = Literal["ok", "down", "disabled"]
ReadinessStatus = Literal["ready", "degraded", "not_ready"]


@dataclass(frozen=True, slots=True)
class Check:
    state: CheckState
    required: bool  # when it is down the service is not ready
    latency_ms: float | None  # None: nothing was asked (the model, a part switched off)
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class ReadinessPolicy:
    """A node's own copy of a projection that has not reached the log's head since the
    process started (a new node replaying the log, one back from a crash), or that is
    further behind than `max_lag_seconds` (the age of the oldest event it has not applied),
    makes the node not ready for that lane: it would answer from half an index. An ingest
    the node keeps up with stays well within it."""

    max_lag_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class Readiness:
    status: ReadinessStatus  # degraded: only optional checks are down
    checks: dict[str, Check]
    head: int | None  # None (and no projections) when Postgres did not answer
    projections: list[ProjectionState] = field(default_factory=list[ProjectionState])
    node: str = ""


class CheckReadiness:
    """Postgres and the fingerprint index are required: without them nothing can be
    identified. The vector index and the CLAP model only serve the vibe lane, which
    degrades on its own (searches report it in `lanes`), so they are reported, not required.
    So is each lane's projection on this node: the fingerprint copy lagging past the policy
    makes the node not ready, the embedding one degraded. Every probe is bounded by a
    timeout and reports a failure instead of raising.
    """

    def __init__(
        self,
        status: ProjectionStatus,
        fingerprints: FingerprintIndex,
        vectors: VectorIndex,
        model: VibeModel,
        kept: Sequence[ProjectionName],
        nodes: NodeProjections,
        policy: ReadinessPolicy,
        first: FirstCatchUp,
    ) -> None:
        self._status, self._fingerprints, self._vectors = status, fingerprints, vectors
        self._model, self._kept = model, tuple(kept)
        self._nodes, self._policy, self._first = nodes, policy, first

    async def __call__(self) -> Readiness:
        reports: list[StatusReport] = []

        async def read_log() -> None:
            reports.append(await self._status())

        names = ("postgres", "fingerprint_index", "vector_index", "clap_model")
        results = await asyncio.gather(
            _probe(True, read_log),
            _probe(True, lambda: self._fingerprints.hash_count(_NOBODY)),
            self._vector_index(),
            self._clap_model(),
        )
        checks: dict[str, Check] = dict(zip(names, results, strict=True))
        here = reports[0].here if reports else []
        checks["fingerprint_lag"] = self._lag(here, ProjectionName.FINGERPRINT, required=True)
        checks["embedding_lag"] = self._lag(here, ProjectionName.EMBEDDING, required=False)
        status: ReadinessStatus = "ready"
        if any(c.required and c.state == "down" for c in checks.values()):
            status = "not_ready"
        elif any(c.state == "down" for c in checks.values()):
            status = "degraded"
        node = self._nodes.node
        if not reports:
            return Readiness(status, checks, None, node=node)
        kept = [state for state in here if state.name in self._kept]
        return Readiness(status, checks, reports[0].head, kept, node)

    def _lag(self, here: list[ProjectionState], name: str, required: bool) -> Check:
        if name not in self._kept:
            return Check("disabled", required, None)
        state = next((s for s in here if s.name == name), None)
        if state is None:  # the log could not be read: the postgres check says why
            return Check("down", required, None, "the event log could not be read")
        reached = self._first.observe(name, state.lag_events)
        late = not reached or state.lag_seconds > self._policy.max_lag_seconds
        if not state.lag_events:
            return Check("ok", required, None)
        doing = "catching up" if not reached else "behind"
        detail = (
            f"{state.key} {doing}: {state.lag_events} events to apply, the oldest "
            f"{state.lag_seconds:.0f} s old"
        )
        return Check("down" if late else "ok", required, None, detail)

    async def _vector_index(self) -> Check:
        if not self._model.enabled:
            return Check("disabled", False, None)
        return await _probe(False, lambda: self._vectors.chunk_count(_NOBODY))

    async def _clap_model(self) -> Check:
        model = self._model
        # Loaded (or not) once at start: there is nothing to ask, so no latency.
        if not model.enabled:
            return Check("disabled", False, None)
        if model.embedder is None:
            return Check("down", False, None, model.unavailable_reason)
        return Check("ok", False, None, model.embedder.model_name)


async def _probe(required: bool, call: Callable[[], Awaitable[object]]) -> Check:
    started = time.perf_counter()

    def elapsed() -> float:
        return round((time.perf_counter() - started) * 1000, 1)

    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            await call()
    except TimeoutError:
        return Check("down", required, elapsed(), "timed out")
    except Exception as error:  # a probe reports any failure, it never raises
        detail = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        return Check("down", required, elapsed(), detail)
    return Check("ok", required, elapsed())

"""Liveness, readiness and version."""

from __future__ import annotations

from typing import Literal

import msgspec

CheckStatus = Literal["ok", "down", "disabled"]


class Liveness(msgspec.Struct, kw_only=True):
    status: Literal["ok"]


class Check(msgspec.Struct, kw_only=True):
    """`required`: when it is down the service is not ready (503)."""

    status: CheckStatus
    required: bool
    latency_ms: float
    detail: str | None = None


class ProjectionLag(msgspec.Struct, kw_only=True):
    checkpoint: int
    lag_events: int


class Readiness(msgspec.Struct, kw_only=True):
    """`ready` when every required check is ok; `degraded` when only optional ones fail."""

    status: Literal["ready", "degraded", "not_ready"]
    checks: dict[str, Check]
    event_log_head: int | None
    projections: dict[str, ProjectionLag]


class Version(msgspec.Struct, kw_only=True):
    name: str
    version: str
    git_sha: str | None

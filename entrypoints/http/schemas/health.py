"""Liveness, readiness and version."""

from __future__ import annotations

from typing import Literal

import msgspec

from application.health import check_readiness, readiness_snapshot

CheckStatus = Literal["ok", "down", "disabled"]


class Liveness(msgspec.Struct, kw_only=True):
    status: Literal["ok"]


class Check(msgspec.Struct, kw_only=True):
    """`required`: when it is down the service is not ready (503). `latency_ms` is null
    for what was not asked this time: the CLAP model (loaded once, at start) and parts
    switched off."""

    status: CheckStatus
    required: bool
    latency_ms: float | None
    detail: str | None = None

    @classmethod
    def of(cls, check: check_readiness.Check) -> Check:
        return cls(
            status=check.state,
            required=check.required,
            latency_ms=check.latency_ms,
            detail=check.detail,
        )


class ProjectionLag(msgspec.Struct, kw_only=True):
    """This node's copy of a projection (`node`: its own, or `main` for a store every node
    shares) and how far it is behind the log."""

    node: str
    checkpoint: int
    lag_events: int
    lag_seconds: float


class Readiness(msgspec.Struct, kw_only=True):
    """`ready` when every required check is ok; `degraded` when only optional ones fail.
    The checks ran `checked_seconds_ago`; past `stale_after_seconds` it is `not_ready`."""

    status: Literal["ready", "degraded", "not_ready"]
    node: str
    checks: dict[str, Check]
    event_log_head: int | None
    projections: dict[str, ProjectionLag]
    checked_seconds_ago: float
    stale_after_seconds: float

    @classmethod
    def of(cls, aged: readiness_snapshot.AgedReadiness) -> Readiness:
        report = aged.report
        return cls(
            status=report.status,
            node=report.node,
            checks={name: Check.of(check) for name, check in report.checks.items()},
            event_log_head=report.head,
            projections={
                p.name: ProjectionLag(
                    node=p.node,
                    checkpoint=p.checkpoint,
                    lag_events=p.lag_events,
                    lag_seconds=p.lag_seconds,
                )
                for p in report.projections
            },
            checked_seconds_ago=aged.age_seconds,
            stale_after_seconds=aged.max_age_seconds,
        )


class Version(msgspec.Struct, kw_only=True):
    name: str
    version: str
    git_sha: str | None

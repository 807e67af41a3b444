"""GET /health (liveness), GET /health/ready (readiness), GET /api/v1/version."""

from __future__ import annotations

from dishka.integrations.litestar import FromDishka, inject
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec

from application.health.readiness_snapshot import ReadinessSnapshot
from entrypoints.http.build_info import BuildInfo
from entrypoints.http.schemas.health import Liveness, Readiness, Version


@get("/health", tags=["health"], summary="Liveness: the process answers")
async def liveness() -> Liveness:
    return Liveness(status="ok")


@get(
    "/health/ready",
    tags=["health"],
    summary="Readiness: stores and models, with latencies and projection lag",
    description=(
        "503 when a required check (Postgres, fingerprint index, this node's fingerprint "
        "projection: `fingerprint_lag` is down until it has reached the log's head once since "
        "the process started, and while its oldest unapplied event is older than "
        "READY_MAX_LAG_SECONDS) is down. The checks run in the background every second; the "
        "answer is the last report (`checked_seconds_ago`), and one older than "
        "`stale_after_seconds` counts as not ready."
    ),
    responses={503: ResponseSpec(Readiness, description="a required check is down")},
)
@inject
async def readiness(snapshot: FromDishka[ReadinessSnapshot]) -> Response[Readiness]:
    report = Readiness.of(snapshot.current())  # no I/O here: a loaded service answers at once
    return Response(report, status_code=503 if report.status == "not_ready" else 200)


@get("/api/v1/version", tags=["health"], summary="Name, version and git sha of this build")
@inject
async def version(build: FromDishka[BuildInfo]) -> Version:
    return Version(name=build.name, version=build.version, git_sha=build.git_sha)

"""What the HTTP entrypoint adds to the container: its options, the request, the caller."""

from __future__ import annotations

from dataclasses import dataclass

from dishka import Provider, Scope, from_context, provide
from litestar import Request

from application.accounts.authenticate import Authorize
from application.health.readiness_snapshot import ReadinessSnapshot
from entrypoints.http.access import Access
from entrypoints.http.build_info import BuildInfo
from entrypoints.settings import Settings
from entrypoints.wiring.role import ProcessRole


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """`run_projections`: this process runs the projectors (and so owns the LMDB writer and
    the embedded Qdrant shard); otherwise `audio-ident worker` does. `build`: what
    /api/v1/version says; None, read at start (the git sha from the settings, or git)."""

    run_projections: bool = True
    poll_seconds: float = 5.0
    build: BuildInfo | None = None

    def role(self, settings: Settings) -> ProcessRole:
        """A server loads the model whenever the vibe lane is on: searches need it."""
        return ProcessRole(
            self.run_projections, settings.vibe_enabled, self.poll_seconds, serves_requests=True
        )


class HttpProvider(Provider):
    options = from_context(provides=ServeOptions, scope=Scope.APP)
    build = from_context(provides=BuildInfo, scope=Scope.APP)
    request = from_context(provides=Request, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def readiness(self) -> ReadinessSnapshot:
        """Refreshed by the lifespan's task, read by GET /health/ready."""
        return ReadinessSnapshot()

    @provide(scope=Scope.REQUEST)
    def access(self, authorize: Authorize, request: Request) -> Access:
        return Access.from_header(authorize, request.headers.get("authorization"))

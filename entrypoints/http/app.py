"""The Litestar application: routes, limits, errors, CORS, OpenAPI, the container."""

from __future__ import annotations

from collections.abc import Sequence

from dishka import Provider
from dishka.integrations.litestar import setup_dishka
from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, OAuthFlow, OAuthFlows, SecurityScheme

from entrypoints.http.api_docs import docs_assets_router, swagger_plugin
from entrypoints.http.body_deadline import BodyDeadlineMiddleware
from entrypoints.http.build_info import BuildInfo
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.lifespan import lifespan
from entrypoints.http.providers import HttpProvider, ServeOptions
from entrypoints.http.request_id import RequestIdMiddleware
from entrypoints.http.routes import (
    auth,
    health,
    ingest,
    listen,
    search,
    timeline,
    timeline_export,
    tracks,
)
from entrypoints.http.schemas.timeline import MAX_EXPORTED_SEGMENTS
from entrypoints.settings import Settings
from entrypoints.web.site import web_app_router
from entrypoints.wiring.config import search_policy
from entrypoints.wiring.container import make_container

# JSON bodies (sign-in, text search) are small; uploads get their own limits below.
SMALL_BODY_BYTES = 64 * 1024
# A timeline's segments sent back for export: its most segments, as full segment lines.
EXPORT_BODY_BYTES = MAX_EXPORTED_SEGMENTS * 800
API = "/api/v1"


def create_app(
    settings: Settings,
    options: ServeOptions | None = None,
    adapters: Sequence[Provider] | None = None,
    *overrides: Provider,
) -> Litestar:
    """`adapters` replaces the real adapters and `overrides` single parts of them (tests);
    everything else is always the same."""
    options = options or ServeOptions()
    build = options.build or BuildInfo.read(settings.git_sha)
    app = Litestar(
        route_handlers=[
            health.liveness,
            health.readiness,
            health.version,
            # A clip's limit is seconds of audio; its bytes only for safety (SearchPolicy).
            Router(
                API,
                route_handlers=[search.search],
                request_max_body_size=search_policy(settings).max_upload_bytes,
            ),
            Router(
                API,
                route_handlers=[ingest.ingest],
                request_max_body_size=settings.ingest_max_upload_bytes,
            ),
            Router(
                API,
                route_handlers=[timeline.timeline],
                request_max_body_size=settings.timeline_max_upload_bytes,
            ),
            Router(
                API,
                route_handlers=[timeline_export.export_timeline],
                request_max_body_size=EXPORT_BODY_BYTES,
            ),
            Router(
                API,
                route_handlers=[
                    search.search_text,
                    tracks.list_tracks,
                    tracks.get_track,
                    tracks.track_audio,
                    tracks.edit_track,
                    tracks.delete_track,
                    auth.token,
                    auth.me,
                    listen.listen,
                ],
            ),
            docs_assets_router(),
            web_app_router(),
        ],
        request_max_body_size=SMALL_BODY_BYTES,
        exception_handlers=EXCEPTION_HANDLERS,
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Range", "X-Request-ID"],
            expose_headers=["X-Request-ID", "Content-Range", "Accept-Ranges", "Content-Length"],
        ),
        openapi_config=_openapi(build),
        lifespan=[lifespan],
        logging_config=None,  # structlog, configured by the command (entrypoints.logging_setup)
    )
    container = make_container(
        settings,
        options.role(settings),
        adapters,
        HttpProvider(),
        *overrides,
        context={ServeOptions: options, BuildInfo: build},
    )
    setup_dishka(container, app)
    app.asgi_handler = BodyDeadlineMiddleware(app.asgi_handler, settings.upload_timeout_seconds)
    # Outermost: a request id even for paths no route matches.
    app.asgi_handler = RequestIdMiddleware(app.asgi_handler)
    return app


def _openapi(build: BuildInfo) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="audio-ident",
        version=build.version,
        description=(
            "Identify music from short snippets: exact matches (landmark fingerprints) and "
            'tracks that sound alike (CLAP). Errors are `{"error": {"code", "message", '
            '"details"}}`; every response carries X-Request-ID. Long recordings: POST '
            "/api/v1/timeline. Live audio (a browser's microphone): the WebSocket "
            "/api/v1/listen, not listed below — binary messages of MediaRecorder chunks in, "
            "then `stop`; JSON messages out (`listening`, `segment_started`, `segment`, "
            "`progress`, `end` or `error`, as in the timeline's lines); a browser sends its "
            "bearer token as the subprotocols `bearer, <token>`."
        ),
        path="/schema",
        render_plugins=[swagger_plugin()],
        components=Components(
            security_schemes={
                "BearerToken": SecurityScheme(
                    type="oauth2",
                    description="POST /api/v1/auth/token with a username and password",
                    flows=OAuthFlows(password=OAuthFlow(token_url=f"{API}/auth/token", scopes={})),
                )
            }
        ),
    )

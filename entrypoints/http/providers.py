"""dishka providers, one per layer.

APP scope: settings and the serving options (from context), the adapters (Core, Lanes,
users, hasher, tokens — opened once, closed with the container). REQUEST scope: the use
cases, built per request from the APP-scoped adapters. Tests swap `AdaptersProvider` only.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import structlog
from dishka import Provider, Scope, from_context, provide
from litestar import Request

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.jwt.token_issuer import JwtTokenIssuer
from adapters.postgres.users import PostgresUserRepository
from application.authenticate import Authenticate, Authorize, ResolveToken
from application.delete_track import DeleteTrack
from application.identify_clip import IdentifyClip, IdentifyPolicy
from application.ingest_file import IngestFile
from application.search_by_text import SearchByText
from application.track_audio import TrackAudio
from application.track_details import GetTrack, ListTracks
from domain.ports.password_hasher import PasswordHasher
from domain.ports.token_issuer import TokenIssuer
from domain.ports.users import UserRepository
from entrypoints import bootstrap
from entrypoints.bootstrap import Core
from entrypoints.http.access import Access
from entrypoints.http.build_info import BuildInfo
from entrypoints.http.health_probes import HealthProbes
from entrypoints.lanes import Lanes, open_lanes
from entrypoints.settings import Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """`run_projections`: this process runs the projectors (and so owns the LMDB writer and
    the embedded Qdrant shard); otherwise `audio-ident worker` does."""

    run_projections: bool = True
    poll_seconds: float = 5.0
    build: BuildInfo = field(default_factory=BuildInfo.read)


class ConfigProvider(Provider):
    settings = from_context(provides=Settings, scope=Scope.APP)
    options = from_context(provides=ServeOptions, scope=Scope.APP)
    request = from_context(provides=Request, scope=Scope.REQUEST)


class AdaptersProvider(Provider):
    scope = Scope.APP

    @provide
    async def core(self, settings: Settings) -> AsyncIterator[Core]:
        async with bootstrap.open_core(settings) as core:
            yield core

    @provide
    async def lanes(self, settings: Settings, options: ServeOptions) -> AsyncIterator[Lanes]:
        async with open_lanes(
            settings, writer=options.run_projections, load_model=settings.vibe_enabled
        ) as lanes:
            yield lanes

    @provide
    def users(self, core: Core) -> UserRepository:
        return PostgresUserRepository(core.engine)

    @provide
    def hasher(self) -> PasswordHasher:
        return Argon2PasswordHasher()

    @provide
    def tokens(self, settings: Settings, core: Core) -> TokenIssuer:
        secret = settings.jwt_secret
        if not secret:
            # Development only (settings refuse production without one): tokens die with
            # the process.
            log.warning("JWT_SECRET is not set: using a random secret for this process")
            secret = secrets.token_urlsafe(48)
        return JwtTokenIssuer(secret, core.clock, settings.jwt_ttl_seconds)


def projection_names(settings: Settings) -> tuple[str, ...]:
    """The projections this deployment keeps (no embedding one with the vibe lane off)."""
    names = bootstrap.PROJECTION_NAMES
    return names if settings.vibe_enabled else tuple(n for n in names if n != "embedding")


class UseCasesProvider(Provider):
    scope = Scope.REQUEST

    @provide
    def identify(self, core: Core, lanes: Lanes, settings: Settings) -> IdentifyClip:
        policy = IdentifyPolicy(lane_timeout_seconds=settings.search_lane_timeout_seconds)
        return IdentifyClip(
            core.decoder, lanes.identify_exact(), lanes.vibe_search(), core.uow, policy
        )

    @provide
    def search_by_text(self, core: Core, lanes: Lanes) -> SearchByText:
        return SearchByText(lanes.vibe_search(), core.uow)

    @provide
    def ingest(self, core: Core) -> IngestFile:
        return bootstrap.ingest_file(core)

    @provide
    def delete(self, core: Core) -> DeleteTrack:
        return DeleteTrack(core.uow, core.storage)

    @provide
    def list_tracks(self, core: Core) -> ListTracks:
        return ListTracks(core.uow)

    @provide
    def get_track(self, core: Core, settings: Settings) -> GetTrack:
        return GetTrack(core.uow, projection_names(settings))

    @provide
    def track_audio(self, core: Core) -> TrackAudio:
        return TrackAudio(core.uow, core.storage)

    @provide
    def authenticate(
        self, users: UserRepository, hasher: PasswordHasher, tokens: TokenIssuer
    ) -> Authenticate:
        return Authenticate(users, hasher, tokens)

    @provide
    def authorize(
        self, users: UserRepository, tokens: TokenIssuer, settings: Settings
    ) -> Authorize:
        return Authorize(ResolveToken(users, tokens), users_only_reads=settings.require_user_token)

    @provide
    def access(self, authorize: Authorize, request: Request) -> Access:
        return Access.from_header(authorize, request.headers.get("authorization"))

    @provide
    def health(self, core: Core, lanes: Lanes, settings: Settings) -> HealthProbes:
        return HealthProbes(core, lanes, projection_names(settings))

"""The use cases, built per request (or per CLI command) from the ports above them."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from application.authenticate import Authenticate, Authorize, ResolveToken
from application.build_timeline import BuildTimeline
from application.check_readiness import CheckReadiness
from application.create_user import CreateUser
from application.delete_track import DeleteTrack
from application.drive_projections import DriveProjections
from application.identify_clip import IdentifyClip
from application.identify_exact import IdentifyExact
from application.ingest_file import IngestFile
from application.login_throttle import LoginThrottle
from application.orphan_blobs import SweepOrphanBlobs
from application.projection_status import ProjectionStatus
from application.request_replay import RequestReplay
from application.retry_parked import RetryParked
from application.search_by_text import SearchByText
from application.track_audio import TrackAudio
from application.track_details import GetTrack, ListTracks
from application.verify_projections import VerifyProjections
from application.vibe_model import VibeModel
from application.vibe_search import VibeSearch
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.ports.vector_index import VectorIndex
from entrypoints.settings import Settings


class LaneSearchProvider(Provider):
    """The lanes' search logic, stateless, so built once per process."""

    scope = Scope.APP

    @provide
    def exact(self, fingerprinter: Fingerprinter, index: FingerprintIndex) -> IdentifyExact:
        return IdentifyExact(fingerprinter, index)

    @provide
    def vibe(self, model: VibeModel, index: VectorIndex) -> VibeSearch:
        return VibeSearch(model.embedder, index, unavailable_reason=model.unavailable_reason)


class UseCasesProvider(Provider):
    scope = Scope.REQUEST

    identify = provide(IdentifyClip)
    timeline = provide(BuildTimeline)
    search_by_text = provide(SearchByText)
    ingest = provide(IngestFile)
    delete = provide(DeleteTrack)
    list_tracks = provide(ListTracks)
    get_track = provide(GetTrack)
    track_audio = provide(TrackAudio)
    create_user = provide(CreateUser)
    authenticate = provide(Authenticate)
    login_throttle = provide(LoginThrottle)
    sweep_orphans = provide(SweepOrphanBlobs)
    resolve_token = provide(ResolveToken)
    status = provide(ProjectionStatus)
    readiness = provide(CheckReadiness)
    drive = provide(DriveProjections)
    replay = provide(RequestReplay)
    retry = provide(RetryParked)
    verify = provide(VerifyProjections)

    @provide
    def authorize(self, resolve: ResolveToken, settings: Settings) -> Authorize:
        return Authorize(resolve, users_only_reads=settings.require_user_token)

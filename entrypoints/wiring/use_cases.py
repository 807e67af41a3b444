"""The use cases, built per request (or per CLI command) from the ports above them."""

from __future__ import annotations

from dishka import Provider, Scope, provide

from application.accounts.authenticate import Authenticate, Authorize, ResolveToken
from application.accounts.create_user import CreateUser
from application.accounts.login_throttle import LoginThrottle
from application.accounts.manage_users import ChangePassword, DeleteUser, ListUsers
from application.health.check_readiness import CheckReadiness
from application.identify.identify_clip import IdentifyClip
from application.identify.identify_exact import IdentifyExact
from application.identify.identify_file import IdentifyFile
from application.identify.library_alikeness import LibraryAlikeness
from application.identify.search_by_text import SearchByText
from application.identify.vibe_model import VibeModel
from application.identify.vibe_search import VibeSearch
from application.library.delete_track import DeleteTrack
from application.library.edit_track import EditTrack
from application.library.export_library import ExportLibrary
from application.library.ingest_file import IngestFile
from application.library.orphan_blobs import SweepOrphanBlobs
from application.library.reference_prints import ReferencePrints
from application.library.track_audio import TrackAudio
from application.library.track_details import GetTrack, ListTracks
from application.projections.drive_projections import DriveProjections
from application.projections.node_reach import NodeReach
from application.projections.request_replay import RequestReplay
from application.projections.retry_parked import RetryParked
from application.projections.status import ProjectionStatus
from application.projections.verify_projections import VerifyProjections
from application.timeline.build_timeline import BuildTimeline
from application.timeline.monitor import MonitorStream
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex
from domain.ports.print_store import PrintStore
from domain.ports.vector_index import VectorIndex
from entrypoints.settings import Settings


class LaneSearchProvider(Provider):
    """The lanes' search logic and the reference prints' maker, stateless, so built once per
    process."""

    scope = Scope.APP

    @provide
    def exact(self, fingerprinter: Fingerprinter, index: FingerprintIndex) -> IdentifyExact:
        return IdentifyExact(fingerprinter, index)

    @provide
    def reference(self, fingerprinter: Fingerprinter, store: PrintStore) -> ReferencePrints:
        return ReferencePrints(fingerprinter, store)

    @provide
    def alikeness(self) -> LibraryAlikeness:
        return LibraryAlikeness()

    @provide
    def vibe(self, model: VibeModel, index: VectorIndex, alikeness: LibraryAlikeness) -> VibeSearch:
        return VibeSearch(
            model.embedder,
            index,
            unavailable_reason=model.unavailable_reason,
            alikeness=alikeness,
        )


class UseCasesProvider(Provider):
    scope = Scope.REQUEST

    identify = provide(IdentifyClip)
    identify_file = provide(IdentifyFile)
    timeline = provide(BuildTimeline)
    monitor = provide(MonitorStream)
    search_by_text = provide(SearchByText)
    ingest = provide(IngestFile)
    delete = provide(DeleteTrack)
    edit = provide(EditTrack)
    list_tracks = provide(ListTracks)
    get_track = provide(GetTrack)
    track_audio = provide(TrackAudio)
    export = provide(ExportLibrary)
    create_user = provide(CreateUser)
    list_users = provide(ListUsers)
    delete_user = provide(DeleteUser)
    change_password = provide(ChangePassword)
    authenticate = provide(Authenticate)
    login_throttle = provide(LoginThrottle)
    sweep_orphans = provide(SweepOrphanBlobs)
    resolve_token = provide(ResolveToken)
    status = provide(ProjectionStatus)
    readiness = provide(CheckReadiness)
    drive = provide(DriveProjections)
    reach = provide(NodeReach)
    replay = provide(RequestReplay)
    retry = provide(RetryParked)
    verify = provide(VerifyProjections)

    @provide
    def authorize(self, resolve: ResolveToken, settings: Settings) -> Authorize:
        return Authorize(resolve, users_only_reads=settings.require_user_token)

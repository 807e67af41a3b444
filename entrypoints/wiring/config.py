"""Settings and the role from the caller; the use cases' policies derived from settings.

A route or CLI command that applies a limit or a default asks the container for its policy
instead of reading the setting, so one setting means the same thing everywhere."""

from __future__ import annotations

from dishka import Provider, Scope, from_context, provide

from application.accounts.login_throttle import LoginPolicy
from application.capacity.admission import AdmissionPolicy, CpuAdmission
from application.health.check_readiness import ReadinessPolicy
from application.health.first_catch_up import FirstCatchUp
from application.identify.search_policy import SearchPolicy
from application.library.ingest_policy import IngestPolicy
from application.timeline.policy import TimelinePolicy
from entrypoints.settings import Settings
from entrypoints.wiring.role import ProcessRole


def search_policy(settings: Settings) -> SearchPolicy:
    """Also read where the HTTP app sets the search route's body limit, before any container."""
    return SearchPolicy(
        max_clip_seconds=settings.search_max_seconds,
        lane_timeout_seconds=settings.search_lane_timeout_seconds,
        deadline_seconds=settings.search_deadline_seconds,
    )


class ConfigProvider(Provider):
    scope = Scope.APP
    settings = from_context(provides=Settings)
    role = from_context(provides=ProcessRole)

    @provide
    def search_policy(self, settings: Settings) -> SearchPolicy:
        return search_policy(settings)

    @provide
    def admission(self, settings: Settings, role: ProcessRole) -> CpuAdmission:
        """One per process: every use case that burns CPU shares its slots."""
        if not role.serves_requests:
            return CpuAdmission(AdmissionPolicy.unbounded())
        policy = AdmissionPolicy(
            settings.cpu_jobs,
            settings.cpu_queue,
            settings.cpu_queue_seconds,
            settings.cpu_latency_budget,
        )
        return CpuAdmission(policy)

    @provide
    def login_policy(self, settings: Settings) -> LoginPolicy:
        return LoginPolicy(
            settings.login_failures_per_account,
            settings.login_failures_per_address,
            settings.login_window_seconds,
        )

    @provide
    def ingest_policy(self, settings: Settings) -> IngestPolicy:
        return IngestPolicy(max_seconds=settings.max_audio_seconds)

    first_catch_up = provide(FirstCatchUp)

    @provide
    def readiness_policy(self, settings: Settings) -> ReadinessPolicy:
        return ReadinessPolicy(max_lag_seconds=settings.ready_max_lag_seconds)

    @provide
    def timeline_policy(self, settings: Settings) -> TimelinePolicy:
        return TimelinePolicy(max_request_seconds=settings.timeline_max_seconds)

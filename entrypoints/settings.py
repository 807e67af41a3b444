"""Settings read from the environment and validated once, at start."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from domain.projections.nodes import DEFAULT_NODE, NODE_ID_PATTERN
from domain.vibe.embedding import EMBEDDING_PRECISIONS

T = TypeVar("T")
DEFAULT_EMBEDDING_MODEL = "laion/larger_clap_music_and_speech"
MEGABYTE = 1024 * 1024
JWT_SECRET_MIN_LENGTH = 32


class SettingsError(ValueError):
    """Every invalid setting, explained in one message."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None
    qdrant_url: str | None
    qdrant_collection_name: str
    audio_storage_root: Path
    fingerprint_index_path: Path
    embedding_model: str
    embedding_dim: int
    service_port: int
    max_audio_seconds: float
    torch_threads: int
    # CLAP weights: "auto" (bfloat16 where native, else float32), float32, bfloat16, int8 (CPU)
    embedding_precision: str = "auto"
    # HTTP API (entrypoints/http)
    production: bool = False
    cors_origins: tuple[str, ...] = ("http://localhost:17000",)
    search_max_seconds: float = 60.0  # a clip's audio; its bytes are bounded by SearchPolicy
    ingest_max_upload_bytes: int = 200 * MEGABYTE
    timeline_max_upload_bytes: int = 1024 * MEGABYTE
    timeline_max_seconds: float = 3 * 3600.0
    search_lane_timeout_seconds: float = 10.0
    search_deadline_seconds: float = 20.0
    jwt_secret: str | None = field(default=None, repr=False)  # never in logs
    jwt_ttl_seconds: int = 3600
    require_user_token: bool = False
    upload_timeout_seconds: float = 120.0  # the whole request body, however slow
    header_timeout_seconds: float = 10.0  # the request line and headers, however slow
    # Login rate limit: failed sign-ins per account and per client address in a window
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    login_window_seconds: float = 900.0
    # Admission of CPU-bound work in `serve`: running at once, queued, longest wait in queue
    cpu_jobs: int = 2
    cpu_queue: int = 2
    cpu_queue_seconds: float = 5.0
    # ... and an admitted job's expected latency, in times what a job takes alone
    cpu_latency_budget: float = 3.0
    # The build's git commit, set by image builds; unset, the checkout's is asked of git
    git_sha: str | None = None
    # A Redis Cluster (any node's redis:// URL) for the landmark index instead of LMDB
    fingerprint_index_url: str | None = None
    # This serving node's name: its own projections' checkpoints, locks and parked events
    node_id: str = DEFAULT_NODE
    # The stored originals (content-addressed); a folder every node mounts when several serve
    audio_files_path: Path | None = None  # None: AUDIO_STORAGE_ROOT/blobs
    # This node's own projection further behind than this (its oldest unapplied event's age)
    # makes it not ready
    ready_max_lag_seconds: float = 30.0

    @property
    def embedded_postgres_dir(self) -> Path:
        return self.audio_storage_root / "postgres"

    @property
    def prints_path(self) -> Path:
        """Tracks' stored landmarks: inside the stored originals' folder, so that every node
        that mounts it finds them too."""
        blobs = self.audio_files_path or self.audio_storage_root / "blobs"
        return blobs / "prints"

    @property
    def vibe_enabled(self) -> bool:
        return self.embedding_model.lower() != "none"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        reader = _Reader(os.environ if env is None else env)
        root = Path(reader.get("AUDIO_STORAGE_ROOT", "./data")).expanduser().absolute()
        settings = cls(
            database_url=reader.optional_url("DATABASE_URL", ("postgresql", "postgres")),
            qdrant_url=reader.optional_url("QDRANT_URL", ("http", "https")),
            qdrant_collection_name=reader.get("QDRANT_COLLECTION_NAME", "audio_chunks"),
            audio_storage_root=root,
            fingerprint_index_path=reader.path(
                "FINGERPRINT_INDEX_PATH", root / "lmdb", former_name="OLAF_LMDB_PATH"
            ),
            embedding_model=reader.get("EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL),
            embedding_dim=reader.number("EMBEDDING_DIM", "512", int, 1, 8192),
            service_port=reader.number("SERVICE_PORT", "17010", int, 1, 65535),
            max_audio_seconds=reader.number("MAX_AUDIO_SECONDS", "1800", float, 3, 86400),
            torch_threads=reader.number("TORCH_THREADS", "1", int, 1, 256),
            embedding_precision=reader.choice("EMBEDDING_PRECISION", "auto", EMBEDDING_PRECISIONS),
            production=reader.choice("AUDIO_IDENT_ENV", "development", PRODUCTION_CHOICES)
            == "production",
            cors_origins=reader.csv("CORS_ORIGINS", "http://localhost:17000"),
            search_max_seconds=reader.number("SEARCH_MAX_SECONDS", "60", float, 1, 600),
            ingest_max_upload_bytes=int(
                reader.number("INGEST_MAX_UPLOAD_MB", "200", float, 0.01, 16384) * MEGABYTE
            ),
            timeline_max_upload_bytes=int(
                reader.number("TIMELINE_MAX_UPLOAD_MB", "1024", float, 0.01, 65536) * MEGABYTE
            ),
            timeline_max_seconds=reader.number(
                "TIMELINE_MAX_SECONDS", "10800", float, 10, 7 * 86400
            ),
            search_lane_timeout_seconds=reader.number(
                "SEARCH_LANE_TIMEOUT_SECONDS", "10", float, 0.1, 600
            ),
            search_deadline_seconds=(
                deadline := reader.number("SEARCH_DEADLINE_SECONDS", "20", float, 0.1, 600)
            ),
            jwt_secret=reader.get("JWT_SECRET", "") or None,
            jwt_ttl_seconds=reader.number("JWT_TTL_SECONDS", "3600", int, 60, 30 * 86400),
            require_user_token=reader.flag("REQUIRE_USER_TOKEN", "false"),
            upload_timeout_seconds=reader.number("UPLOAD_TIMEOUT_SECONDS", "120", float, 1, 86400),
            header_timeout_seconds=reader.number("HEADER_TIMEOUT_SECONDS", "10", float, 0.1, 3600),
            login_failures_per_account=reader.number(
                "LOGIN_FAILURES_PER_ACCOUNT", "5", int, 1, 1_000_000
            ),
            login_failures_per_address=reader.number(
                "LOGIN_FAILURES_PER_ADDRESS", "20", int, 1, 1_000_000
            ),
            login_window_seconds=reader.number("LOGIN_WINDOW_SECONDS", "900", float, 1, 86400),
            cpu_jobs=(jobs := reader.number("CPU_JOBS", str(default_cpu_jobs()), int, 1, 1024)),
            cpu_queue=reader.number("CPU_QUEUE", str(jobs), int, 0, 100_000),
            cpu_queue_seconds=reader.number(
                "CPU_QUEUE_SECONDS", f"{min(5.0, deadline / 4):g}", float, 0.01, 600
            ),
            cpu_latency_budget=reader.number("CPU_LATENCY_BUDGET", "3", float, 1.0, 1000),
            git_sha=reader.get("AUDIO_IDENT_GIT_SHA", "") or None,
            fingerprint_index_url=reader.cluster_url(
                "FINGERPRINT_INDEX_URL", instead_of=("FINGERPRINT_INDEX_PATH", "OLAF_LMDB_PATH")
            ),
            node_id=reader.node_id("NODE_ID"),
            audio_files_path=reader.optional_path("AUDIO_FILES_PATH"),
            ready_max_lag_seconds=reader.number("READY_MAX_LAG_SECONDS", "30", float, 0, 7 * 86400),
        )
        reader.check_http(settings)
        reader.raise_if_invalid()
        reader.warn_retired(RETIRED)
        return settings


PRODUCTION_CHOICES = ("development", "production")
# Settings no longer read, and what took their place: said once at start, never fatal (an
# old .env file keeps working).
RETIRED = {
    "SEARCH_MAX_UPLOAD_MB": "the search limit is seconds of audio now (SEARCH_MAX_SECONDS, "
    "default 60); the upload's bytes are bounded by that"
}


def _cpu_count() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_cpu_jobs() -> int:
    """One core is left to the event loop, the database and the rest: with a CPU job on
    every core, the requests that need no CPU lane (track pages, /health) waited behind
    them. On 2 cores (bench/load.py, 64 clients) one job at a time admitted as many
    searches a second as two, with p99 416 ms against 640-731 ms."""
    return max(1, _cpu_count() - 1)


class _Reader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._problems: list[str] = []

    def get(self, name: str, default: str) -> str:
        value = self._env.get(name, "").strip()
        return value or default

    def path(self, name: str, default: Path, former_name: str) -> Path:
        """A path setting; `former_name` is the earlier system's name for it, still honoured."""
        value = self.get(name, "") or self.get(former_name, "")
        if self.get(name, "") and self.get(former_name, ""):
            self._problems.append(f"set {name} or {former_name}, not both")
        return Path(value).expanduser().absolute() if value else default

    def optional_path(self, name: str) -> Path | None:
        value = self.get(name, "")
        return Path(value).expanduser().absolute() if value else None

    def optional_url(self, name: str, schemes: tuple[str, ...]) -> str | None:
        value = self._env.get(name, "").strip()
        if not value:
            return None
        scheme = value.split("://", 1)[0].split("+", 1)[0] if "://" in value else ""
        if scheme not in schemes:
            self._problems.append(f"{name} must be a URL starting with {' or '.join(schemes)}://")
        return value

    def cluster_url(self, name: str, instead_of: tuple[str, ...]) -> str | None:
        """A Redis Cluster seed, redis://HOST:PORT (rediss:// for TLS); the settings it
        replaces must not be set as well."""
        value = self.get(name, "")
        if not value:
            return None
        try:
            parts = urlsplit(value)
            valid = parts.scheme in ("redis", "rediss") and bool(parts.hostname) and parts.port
        except ValueError:  # a port that is not a number, or out of range
            valid = False
        if not valid:
            self._problems.append(
                f"{name}={value!r} must be a Redis Cluster node's URL: redis://HOST:PORT "
                "(rediss:// for TLS)"
            )
        for other in instead_of:
            if self.get(other, ""):
                self._problems.append(f"set {name} or {other}, not both")
        return value

    def node_id(self, name: str) -> str:
        value = self.get(name, DEFAULT_NODE)
        if not NODE_ID_PATTERN.fullmatch(value):
            self._problems.append(
                f"{name}={value!r} must be 1-63 lower-case letters, digits, '.', '_' or '-', "
                "starting with a letter or digit"
            )
            return DEFAULT_NODE
        return value

    def number(
        self, name: str, default: str, kind: Callable[[str], T], low: float, high: float
    ) -> T:
        raw = self.get(name, default)
        try:
            value = kind(raw)
        except ValueError:
            self._problems.append(f"{name}={raw!r} is not a valid {kind.__name__}")
            return kind(default)
        if not low <= float(value) <= high:  # type: ignore[arg-type]
            self._problems.append(f"{name}={raw} is out of range ({low:g}..{high:g})")
        return value

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        value = self.get(name, default).lower()
        if value not in choices:
            self._problems.append(f"{name}={value!r} must be one of {', '.join(choices)}")
            return default
        return value

    def flag(self, name: str, default: str) -> bool:
        value = self.get(name, default).lower()
        if value not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            self._problems.append(f"{name}={value!r} must be true or false")
        return value in ("1", "true", "yes", "on")

    def csv(self, name: str, default: str) -> tuple[str, ...]:
        return tuple(item.strip() for item in self.get(name, default).split(",") if item.strip())

    def check_http(self, settings: Settings) -> None:
        """Rules across HTTP settings; production refuses to run with a guessable secret."""
        if settings.search_lane_timeout_seconds >= settings.search_deadline_seconds:
            self._problems.append(
                "SEARCH_LANE_TIMEOUT_SECONDS must be shorter than SEARCH_DEADLINE_SECONDS"
            )
        if settings.cpu_queue_seconds >= settings.search_deadline_seconds:
            self._problems.append("CPU_QUEUE_SECONDS must be shorter than SEARCH_DEADLINE_SECONDS")
        secret = settings.jwt_secret or ""
        if settings.production and len(secret) < JWT_SECRET_MIN_LENGTH:
            self._problems.append(
                f"JWT_SECRET must be set to at least {JWT_SECRET_MIN_LENGTH} random characters "
                "when AUDIO_IDENT_ENV=production"
            )

    def warn_retired(self, retired: Mapping[str, str]) -> None:
        for name, instead in retired.items():
            if self.get(name, ""):
                logging.getLogger("audio_ident.settings").warning(f"{name} is ignored: {instead}")

    def raise_if_invalid(self) -> None:
        if self._problems:
            raise SettingsError("invalid settings: " + "; ".join(self._problems))

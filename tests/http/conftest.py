"""The HTTP API on real Postgres, LMDB, embedded Qdrant and the tiny CLAP.

The real adapters stay; `TinyClap` overrides only the model (the session's tiny CLAP,
loaded once) and the password hasher (a cheap argon2 setting). `tests/http/twins.py`
swaps every adapter for its in-memory twin instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from dishka import Provider, Scope, provide
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.clap.embedder import ClapEmbedder
from adapters.postgres.users import PostgresUserRepository
from adapters.system.clock import SystemClock
from application.create_user import CreateUser
from application.vibe_model import VibeModel
from domain.ports.password_hasher import PasswordHasher
from domain.user import Role
from entrypoints.http.app import create_app
from entrypoints.http.build_info import BuildInfo
from entrypoints.http.providers import ServeOptions
from entrypoints.settings import Settings
from tests.vibe.conftest import clap, tiny_clap_dir
from tests.vibe.tiny_clap import TINY_DIMENSION

__all__ = ["clap", "tiny_clap_dir"]  # the vibe tests' tiny CLAP fixtures, reused here

PASSWORD = "correct-horse-battery"
BUILD = BuildInfo("audio-ident", "9.9.9", "0123abc")
Client = AsyncTestClient[Litestar]


class TinyClap(Provider):
    """The session's tiny CLAP (or none: vibe unavailable) and a cheap argon2 setting."""

    scope = Scope.APP

    def __init__(self, embedder: ClapEmbedder | None, reason: str = "") -> None:
        super().__init__()
        self._embedder, self._reason = embedder, reason

    @provide
    def vibe_model(self, settings: Settings) -> VibeModel:
        reason = self._reason or "the vibe lane is switched off"
        return VibeModel(settings.vibe_enabled, self._embedder, reason)

    @provide
    def hasher(self) -> PasswordHasher:
        return Argon2PasswordHasher(time_cost=1, memory_cost=1024)


def make_settings(database_url: str, root: Path, model: Path, **extra: str) -> Settings:
    env = {
        "DATABASE_URL": database_url,
        "AUDIO_STORAGE_ROOT": str(root),
        "EMBEDDING_MODEL": str(model),
        "EMBEDDING_DIM": str(TINY_DIMENSION),
        "JWT_SECRET": "a-test-secret-that-is-long-enough-for-hs256",
        **extra,
    }
    return Settings.from_env(env)


@pytest.fixture
def settings_env() -> dict[str, str]:
    """Extra environment for the app under test; tests override it before `client`."""
    return {}


@pytest.fixture
def overrides(clap: ClapEmbedder) -> list[Provider]:
    """What replaces parts of the real adapters; tests may add their own."""
    return [TinyClap(clap)]


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, tiny_clap_dir: Path, settings_env: dict[str, str]
) -> Settings:
    return make_settings(database_url, tmp_path / "storage", tiny_clap_dir, **settings_env)


@asynccontextmanager
async def serve(
    settings: Settings,
    overrides: Sequence[Provider],
    adapters: Sequence[Provider] | None = None,
) -> AsyncIterator[Client]:
    """The app with its projectors running (polling fast), behind a test client; the real
    adapters unless `adapters` replaces them, with `overrides` on top."""
    app = create_app(settings, ServeOptions(True, 0.2, BUILD), adapters, *overrides)
    async with AsyncTestClient(app) as test_client:
        yield test_client


@pytest.fixture
async def client(settings: Settings, overrides: list[Provider]) -> AsyncIterator[Client]:
    async with serve(settings, overrides) as test_client:
        yield test_client


async def _token(client: Client, engine: AsyncEngine, name: str, role: Role) -> str:
    users = PostgresUserRepository(engine)
    await CreateUser(users, Argon2PasswordHasher(1, 1024), SystemClock())(name, PASSWORD, role)
    response = await client.post(
        "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


AdminHeaders = Callable[[Client], Awaitable[dict[str, str]]]


@pytest.fixture
def admin_headers_for(engine: AsyncEngine) -> AdminHeaders:
    """Creates an admin and signs in through `client`; returns the request headers."""

    async def sign_in(client: Client) -> dict[str, str]:
        token = await _token(client, engine, "admin", Role.ADMIN)
        return {"Authorization": f"Bearer {token}"}

    return sign_in


@pytest.fixture
async def admin(client: Client, admin_headers_for: AdminHeaders) -> dict[str, str]:
    """Headers of a signed-in admin."""
    return await admin_headers_for(client)


@pytest.fixture
async def user(client: Client, engine: AsyncEngine) -> dict[str, str]:
    return {"Authorization": f"Bearer {await _token(client, engine, 'reader', Role.USER)}"}


async def wait_indexed(client: Client, track_ids: list[UUID | str], seconds: float = 60) -> None:
    """Until every projection has applied these tracks (the projectors run in the app)."""
    async with asyncio.timeout(seconds):
        for track_id in track_ids:
            while True:
                details = (await client.get(f"/api/v1/tracks/{track_id}")).json()
                if all(s == "indexed" for s in details["projections"].values()):
                    break
                await asyncio.sleep(0.1)


def error_of(response: Any) -> dict[str, Any]:
    """The error envelope, checked for shape; every response carries a request id."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert response.headers.get("x-request-id")
    return dict(body["error"])

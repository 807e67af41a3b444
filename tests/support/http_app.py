"""The HTTP API on real Postgres, LMDB, embedded Qdrant and the tiny CLAP.

The real adapters stay; `TinyClap` overrides only the model (the session's tiny CLAP,
loaded once) and the password hasher (a cheap argon2 setting). `tests/support/twins.py`
swaps every adapter for its in-memory twin instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from dishka import Provider, Scope, provide
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.clap.embedder import ClapEmbedder
from adapters.postgres.users import PostgresUserRepository
from adapters.system.clock import SystemClock
from application.accounts.create_user import CreateUser
from application.identify.vibe_model import VibeModel
from domain.accounts.user import Role
from domain.ports.password_hasher import PasswordHasher
from entrypoints.http.app import create_app
from entrypoints.http.build_info import BuildInfo
from entrypoints.http.providers import ServeOptions
from entrypoints.settings import Settings
from tests.support.tiny_clap import TINY_DIMENSION

PASSWORD = "correct-horse-battery"
TWINS_URL = "postgresql://twins.invalid/none"  # never reached: the twins hold the data
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


async def sign_in_as(
    client: Client, name: str, role: Role, engine: AsyncEngine | None = None
) -> str:
    """A new account, signed in through the API; returns its bearer token. The account is
    written to the real database through `engine` (the app's own connections belong to
    the test client's event loop), or to the twins through the app's container."""
    if engine is None:
        async with client.app.state.dishka_container() as request:
            await (await request.get(CreateUser))(name, PASSWORD, role)
    else:
        users = PostgresUserRepository(engine)
        hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
        await CreateUser(users, hasher, SystemClock())(name, PASSWORD, role)
    response = await client.post(
        "/api/v1/auth/token", data={"username": name, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


AdminHeaders = Callable[[Client], Awaitable[dict[str, str]]]


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

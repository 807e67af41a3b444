"""Attacks on the API's authentication, on the real stores: forged and confused tokens,
expired ones, tokens of deleted or demoted users, foreign CORS preflights, brute force."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.http_app import PASSWORD, Client, error_of
from tests.support.media import track_file, upload

SECRET = "a-test-secret-that-is-long-enough-for-hs256"  # tests/http/conftest.make_settings
# The classic RS/HS confusion signs HS256 with the server's public key; we have none, and
# only HS256 with our own secret is accepted.
PUBLIC_KEY_AS_SECRET = "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    parts = (json.dumps(header).encode(), json.dumps(claims).encode())
    return ".".join([*(_b64(p) for p in parts), _b64(signature)])


async def _claims_of(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    token = headers["Authorization"].removeprefix("Bearer ")
    return jwt.decode(token, options={"verify_signature": False})


async def _ingest_status(client: Client, headers: dict[str, str], audio_dir: Path) -> int:
    path = track_file(audio_dir, 21, "probe.wav", seconds=4)
    response = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=headers)
    return response.status_code


@pytest.mark.filterwarnings("ignore:The HMAC key")  # HS512 with our (shorter) secret
async def test_forged_confused_and_expired_tokens_are_refused(
    client: Client, admin: dict[str, str], audio_dir: Path
) -> None:
    claims = await _claims_of(client, admin)
    future = {**claims, "exp": int(time.time()) + 3600}
    forged = {
        "alg none": _unsigned({"alg": "none", "typ": "JWT"}, future),
        "alg None, signature kept": _unsigned({"alg": "None"}, future, b"x" * 32),
        "RS256 claimed": _unsigned({"alg": "RS256", "typ": "JWT"}, future, b"\x01" * 256),
        "HS512 with our secret": jwt.encode(future, SECRET, algorithm="HS512"),
        "HS256, a public key as the secret": jwt.encode(future, PUBLIC_KEY_AS_SECRET, "HS256"),
        "expired": jwt.encode({**claims, "exp": int(time.time()) - 5}, SECRET, "HS256"),
        "no expiry": jwt.encode({k: v for k, v in claims.items() if k != "exp"}, SECRET),
        "another issuer": jwt.encode({**future, "iss": "someone-else"}, SECRET),
        "a user id that does not exist": jwt.encode({**future, "sub": "0" * 32}, SECRET),
    }
    for name, token in forged.items():
        response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
        assert error_of(response)["code"] == "UNAUTHORIZED", name
    expired = forged["expired"]
    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert "expired" in error_of(response)["message"]
    for name, token in forged.items():
        status = await _ingest_status(client, {"Authorization": f"Bearer {token}"}, audio_dir)
        assert status == 401, name


async def test_tokens_of_deleted_or_demoted_users_lose_their_rights_at_once(
    client: Client, admin: dict[str, str], engine: AsyncEngine, audio_dir: Path
) -> None:
    assert (await client.get("/api/v1/auth/me", headers=admin)).status_code == 200
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE users SET role = 'user' WHERE username = 'admin'"))
    assert await _ingest_status(client, admin, audio_dir) == 403  # demoted: no more writes
    me = await client.get("/api/v1/auth/me", headers=admin)
    assert me.json()["role"] == "user"
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM users WHERE username = 'admin'"))
    gone = await client.get("/api/v1/auth/me", headers=admin)
    assert gone.status_code == 401 and error_of(gone)["code"] == "UNAUTHORIZED"
    assert await _ingest_status(client, admin, audio_dir) == 401


async def test_readers_cannot_reach_admin_routes(
    client: Client, user: dict[str, str], audio_dir: Path
) -> None:
    assert await _ingest_status(client, user, audio_dir) == 403
    # Even a validly signed token whose role claim says admin: the role is the account's.
    raised = jwt.encode({**await _claims_of(client, user), "role": "admin"}, SECRET, "HS256")
    assert await _ingest_status(client, {"Authorization": f"Bearer {raised}"}, audio_dir) == 403
    track = "00000000-0000-0000-0000-000000000001"
    refused = await client.delete(f"/api/v1/tracks/{track}", headers=user)
    assert refused.status_code == 403 and error_of(refused)["code"] == "FORBIDDEN"


@pytest.mark.twins  # also on every port's in-memory twin
async def test_cors_preflight_from_a_foreign_origin_is_not_allowed(client: Client) -> None:
    for path in ("/api/v1/search", "/api/v1/auth/token", "/api/v1/ingest"):
        preflight = await client.options(
            path,
            headers={
                "Origin": "https://attacker.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.headers.get("access-control-allow-origin") is None, path
        assert "access-control-allow-credentials" not in preflight.headers
    simple = await client.get("/api/v1/tracks", headers={"Origin": "https://attacker.example"})
    assert simple.headers.get("access-control-allow-origin") is None


@pytest.mark.parametrize(
    "settings_env", [{"LOGIN_FAILURES_PER_ACCOUNT": "3", "LOGIN_FAILURES_PER_ADDRESS": "6"}]
)
@pytest.mark.twins  # also on every port's in-memory twin
async def test_login_brute_force_is_limited_per_account_and_per_address(
    client: Client, user: dict[str, str]
) -> None:
    async def sign_in(name: str, password: str) -> Any:
        return await client.post(
            "/api/v1/auth/token", data={"username": name, "password": password}
        )

    for _ in range(3):
        assert (await sign_in("reader", "guess-guess")).status_code == 401
    locked = await sign_in("reader", PASSWORD)  # the right password, too late
    assert locked.status_code == 429
    assert error_of(locked)["code"] == "TOO_MANY_ATTEMPTS"
    assert int(locked.headers["retry-after"]) > 0
    # The same client address, other names (existing or not): the address limit.
    for name in ("nobody-1", "nobody-2", "nobody-3"):
        assert (await sign_in(name, "guess-guess")).status_code == 401
    blocked = await sign_in("someone-new", "guess-guess")
    assert blocked.status_code == 429 and error_of(blocked)["code"] == "TOO_MANY_ATTEMPTS"

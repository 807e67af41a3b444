"""Sign-in, roles (admin, user, anonymous) and the require-a-token setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.settings import Settings, SettingsError
from tests.support.http_app import PASSWORD, Client, error_of
from tests.support.media import track_file, upload
from tests.support.raw_asgi import MULTIPART, multipart_pieces, post_in_pieces

pytestmark = pytest.mark.twins  # each test runs on the real stores and on the twins


async def test_sign_in_and_me(client: Client, user: dict[str, str]) -> None:
    me = await client.get("/api/v1/auth/me", headers=user)
    assert me.status_code == 200
    assert me.json()["username"] == "reader" and me.json()["role"] == "user"

    wrong = await client.post(
        "/api/v1/auth/token", data={"username": "reader", "password": "not-it"}
    )
    assert wrong.status_code == 401
    assert error_of(wrong)["code"] == "UNAUTHORIZED"
    assert wrong.headers["www-authenticate"] == "Bearer"
    nobody = await client.post("/api/v1/auth/token", data={"username": "x", "password": PASSWORD})
    assert error_of(nobody)["code"] == "UNAUTHORIZED"

    for headers in ({}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic abc"}):
        refused = await client.get("/api/v1/auth/me", headers=headers)
        assert refused.status_code == 401 and error_of(refused)["code"] == "UNAUTHORIZED"


async def test_only_admins_write(
    client: Client, admin: dict[str, str], user: dict[str, str], audio_dir: Path
) -> None:
    path = track_file(audio_dir, 5, "Song.wav", seconds=5)
    anonymous = await client.post("/api/v1/ingest", files=[upload(path, "files")])
    assert anonymous.status_code == 401 and error_of(anonymous)["code"] == "UNAUTHORIZED"
    as_user = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=user)
    assert as_user.status_code == 403 and error_of(as_user)["code"] == "FORBIDDEN"

    created = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    track_id = created.json()["files"][0]["track_id"]
    assert (await client.delete(f"/api/v1/tracks/{track_id}")).status_code == 401
    assert (await client.delete(f"/api/v1/tracks/{track_id}", headers=user)).status_code == 403
    # Reads are open by default; a bad token is refused even where none is needed.
    assert (await client.get(f"/api/v1/tracks/{track_id}")).status_code == 200
    forged = await client.get("/api/v1/tracks", headers={"Authorization": "Bearer x"})
    assert forged.status_code == 401
    assert (await client.delete(f"/api/v1/tracks/{track_id}", headers=admin)).status_code == 204


@pytest.mark.parametrize("settings_env", [{"INGEST_MAX_UPLOAD_MB": "1"}])
async def test_uploads_without_rights_are_refused_before_the_body_is_read(
    client: Client, user: dict[str, str], admin: dict[str, str]
) -> None:
    # Streamed without Content-Length: refused before the app reads a single piece.
    pieces = multipart_pieces("files", "big.wav", megabytes=8)
    status, read = await post_in_pieces(client.app, "/api/v1/ingest", pieces, [MULTIPART])
    assert (status, read) == (401, 0)
    # Over the limit: the role is checked first, the size only for an admin.
    big = [("files", ("big.wav", b"x" * 2**21))]
    assert (await client.post("/api/v1/ingest", files=big, headers=user)).status_code == 403
    assert (await client.post("/api/v1/ingest", files=big, headers=admin)).status_code == 413


@pytest.mark.parametrize("settings_env", [{"REQUIRE_USER_TOKEN": "true"}])
async def test_reads_can_require_a_user_token(
    client: Client, user: dict[str, str], audio_dir: Path
) -> None:
    anonymous = await client.get("/api/v1/tracks")
    assert anonymous.status_code == 401 and error_of(anonymous)["code"] == "UNAUTHORIZED"
    clip = track_file(audio_dir, 6, "clip.wav", seconds=3)
    search = await client.post("/api/v1/search", files=[upload(clip)], data={"mode": "exact"})
    assert search.status_code == 401
    assert (await client.get("/api/v1/tracks", headers=user)).status_code == 200
    assert (await client.get("/health")).status_code == 200  # probes stay open


def test_production_refuses_to_start_without_a_secret() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        Settings.from_env({"AUDIO_IDENT_ENV": "production"})
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        Settings.from_env({"AUDIO_IDENT_ENV": "production", "JWT_SECRET": "short"})
    ok = Settings.from_env({"AUDIO_IDENT_ENV": "production", "JWT_SECRET": "x" * 40})
    assert ok.production and "x" * 40 not in repr(ok)

"""The API on the in-memory twins of every port: the same routes, use cases and container,
only the adapters provider swapped (the real-stores suite is the rest of tests/http)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from domain.accounts.user import Role
from tests.support.http_app import (
    TWINS_URL,
    Client,
    error_of,
    make_settings,
    serve,
    sign_in_as,
    wait_indexed,
)
from tests.support.media import clip_file, track_file, upload
from tests.support.twins import InMemoryAdapters


@pytest.fixture
async def twins(tmp_path: Path) -> AsyncIterator[Client]:
    # No database is reached: the URL only satisfies the settings' validation.
    settings = make_settings(TWINS_URL, tmp_path / "storage", tmp_path)
    async with serve(settings, [], [InMemoryAdapters()]) as client:
        yield client


async def _signed_in(client: Client, name: str, role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {await sign_in_as(client, name, role)}"}


async def test_ingest_search_browse_and_delete(twins: Client, audio_dir: Path) -> None:
    admin = await _signed_in(twins, "admin", Role.ADMIN)
    first = track_file(audio_dir, 1, "Morning Song.wav")
    second = track_file(audio_dir, 2, "Night Drive.wav")
    garbage = audio_dir / "notes.wav"
    garbage.write_bytes(b"this is not audio at all" * 100)

    created = await twins.post(
        "/api/v1/ingest",
        files=[upload(first), upload(second), upload(garbage)],
        headers=admin,
    )
    assert created.status_code == 207, created.text
    statuses = [f["status"] for f in created.json()["files"]]
    assert statuses == ["ingested", "ingested", "failed"]
    first_id, second_id = (f["track_id"] for f in created.json()["files"][:2])
    again = await twins.post("/api/v1/ingest", files=[upload(first)], headers=admin)
    assert again.json()["files"][0]["status"] == "duplicate"
    await wait_indexed(twins, [first_id, second_id])

    page = (await twins.get("/api/v1/tracks", params={"sort": "title"})).json()
    assert [t["title"] for t in page["items"]] == ["Morning Song", "Night Drive"]
    found = (await twins.get("/api/v1/tracks", params={"q": "night"})).json()
    assert [t["id"] for t in found["items"]] == [second_id]

    clip = clip_file(audio_dir, 2, 4.0, 6.0, "clip.wav")
    result = (await twins.post("/api/v1/search", files=[upload(clip)])).json()
    assert result["lanes"]["exact"]["status"] == "ok" and result["lanes"]["vibe"]["status"] == "ok"
    best = result["exact_matches"][0]
    assert best["track"]["id"] == second_id and abs(best["offset_seconds"] - 4.0) < 0.5
    assert abs(best["speed"] - 1.0) < 0.02  # the fitted time scale of an unaltered clip
    assert {m["track"]["id"] for m in result["vibe_matches"]} <= {first_id, second_id}
    for match in result["vibe_matches"]:  # two short tracks: too few pairs for a scale
        assert match["alike_percentile"] is None
    text = await twins.post("/api/v1/search/text", json={"text": "a calm piano", "max_results": 2})
    assert len(text.json()["vibe_matches"]) == 2

    audio = await twins.get(f"/api/v1/tracks/{first_id}/audio", headers={"Range": "bytes=0-9"})
    assert audio.status_code == 206 and audio.content == first.read_bytes()[:10]
    assert (await twins.delete(f"/api/v1/tracks/{second_id}", headers=admin)).status_code == 204
    gone = await twins.get(f"/api/v1/tracks/{second_id}")
    assert error_of(gone)["code"] == "NOT_FOUND"


async def test_roles_and_readiness(twins: Client, audio_dir: Path) -> None:
    user = await _signed_in(twins, "reader", Role.USER)
    song = track_file(audio_dir, 5, "Song.wav", seconds=5)
    anonymous = await twins.post("/api/v1/ingest", files=[upload(song, "files")])
    assert error_of(anonymous)["code"] == "UNAUTHORIZED"
    as_user = await twins.post("/api/v1/ingest", files=[upload(song, "files")], headers=user)
    assert as_user.status_code == 403 and error_of(as_user)["code"] == "FORBIDDEN"
    me = (await twins.get("/api/v1/auth/me", headers=user)).json()
    assert me["username"] == "reader" and me["role"] == "user"

    ready = (await twins.get("/health/ready")).json()
    assert ready["status"] == "ready"
    assert all(check["status"] == "ok" for check in ready["checks"].values())
    caught_up = {"node": "main", "checkpoint": 0, "lag_events": 0, "lag_seconds": 0.0}
    assert ready["projections"] == {"fingerprint": caught_up, "embedding": caught_up}

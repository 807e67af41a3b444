"""Every error code the API gives, each in the `{"error": {...}}` envelope."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from dishka import Provider, Scope, decorate, provide

from adapters.clap.embedder import ClapEmbedder
from domain.errors import ErrorCode
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.fingerprint_index import FingerprintIndex
from domain.ports.users import UserRepository
from entrypoints.settings import Settings
from tests.support.http_app import (
    AdminHeaders,
    Client,
    TinyClap,
    error_of,
    serve,
    wait_indexed,
)
from tests.support.media import clip_file, track_file, upload
from tests.support.raw_asgi import MULTIPART, multipart_pieces, post_in_pieces


@pytest.mark.twins  # also on every port's in-memory twin
async def test_bad_search_requests(client: Client, audio_dir: Path) -> None:
    clip = track_file(audio_dir, 7, "clip.wav", seconds=3)
    for form in ({"max_results": "0"}, {"max_results": "51"}, {"mode": "loud"}):
        bad = await client.post("/api/v1/search", files=[upload(clip)], data=form)
        assert bad.status_code == 400, form
        error = error_of(bad)
        assert error["code"] == "VALIDATION_ERROR" and error["details"]["errors"]
    no_file = await client.post("/api/v1/search", data={"mode": "exact"})
    assert error_of(no_file)["code"] == "VALIDATION_ERROR"
    bad_json = await client.post("/api/v1/search/text", json={"text": ""})
    assert error_of(bad_json)["code"] == "VALIDATION_ERROR"
    bad_page = await client.get("/api/v1/tracks", params={"page_size": 101})
    assert error_of(bad_page)["code"] == "VALIDATION_ERROR"
    bad_sort = await client.get("/api/v1/tracks", params={"sort": "shoe-size"})
    assert error_of(bad_sort)["code"] == "VALIDATION_ERROR"
    # Found by schemathesis: a NUL byte used to reach Postgres (500).
    nul = await client.get("/api/v1/tracks", params={"q": "a\x00b"})
    assert error_of(nul)["code"] == "VALIDATION_ERROR"
    nul_name = await client.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x"})
    assert error_of(nul_name)["code"] == "UNAUTHORIZED"


async def test_the_openapi_schema_names_every_code_of_each_error_status(client: Client) -> None:
    """Each documented error status lists the catalogue's codes answered with it."""
    schema = (await client.get("/schema/openapi.json")).json()
    documented = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                if not status.isdigit() or int(status) < 400 or "ErrorBody" not in str(body):
                    continue
                documented += 1
                for code in ErrorCode:
                    if code.status == int(status):
                        listed = f"- {code}: {code.meaning}"
                        assert listed in response["description"], (path, method, status)
    assert documented > 30
    search = schema["paths"]["/api/v1/search"]["post"]["responses"]
    assert "OVERLOADED" in search["503"]["description"]
    assert "DATABASE_UNAVAILABLE" in search["503"]["description"]
    assert "AUDIO_TOO_SHORT" in search["422"]["description"]
    assert "SEARCH_TIMEOUT" in search["504"]["description"]


async def test_unusable_audio(client: Client, audio_dir: Path) -> None:
    empty = audio_dir / "empty.mp3"
    empty.write_bytes(b"")
    garbage = audio_dir / "garbage.mp3"
    garbage.write_bytes(b"\x00\x01 not audio " * 500)
    short = clip_file(audio_dir, 8, 0.0, 0.5, "short.wav")
    long = track_file(audio_dir, 9, "long.flac", seconds=61)
    expected = {empty: "EMPTY_FILE", garbage: "UNSUPPORTED_FORMAT"}
    expected |= {short: "AUDIO_TOO_SHORT", long: "AUDIO_TOO_LONG"}
    for path, code in expected.items():
        refused = await client.post("/api/v1/search", files=[upload(path)])
        assert refused.status_code == 422, (path.name, refused.text)
        assert error_of(refused)["code"] == code


@pytest.mark.twins  # also on every port's in-memory twin
@pytest.mark.parametrize("settings_env", [{"SEARCH_MAX_SECONDS": "1"}])
async def test_uploads_over_the_limit_are_refused_while_streaming(client: Client) -> None:
    # A clip of at most 1 s: PCM at 1.536 MB a second and 1 MiB of headers at most.
    limit = 1_536_000 + 2**20
    declared = await client.post("/api/v1/search", files=[("audio", ("big.wav", b"x" * 2**22))])
    assert declared.status_code == 413
    error = error_of(declared)
    assert error["code"] == "FILE_TOO_LARGE" and error["details"]["limit_bytes"] == limit

    # No Content-Length: the body arrives in 64 KiB pieces; the refusal comes at ~2.5 MiB,
    # long before the 8 MiB the client would send.
    pieces = multipart_pieces("audio", "a.wav", megabytes=8)
    status, read = await post_in_pieces(client.app, "/api/v1/search", pieces, [MULTIPART])
    assert status == 413
    assert read < 45


class _BrokenUsers:
    async def get_by_username(self, username: str) -> None:
        raise RuntimeError("the users table caught fire")


class _SlowDecoder:
    """Every decoder call takes 5 s (the overall search deadline is 0.5 s)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        call = getattr(self._inner, name)

        async def slow(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(5)
            return await call(*args, **kwargs)

        return slow


class _FailingAdapters(Provider):
    scope = Scope.APP

    @provide
    def users(self) -> UserRepository:
        return _BrokenUsers()  # type: ignore[return-value]

    @decorate
    def slow(self, decoder: AudioDecoder) -> AudioDecoder:
        return _SlowDecoder(decoder)  # type: ignore[return-value]


@pytest.mark.parametrize(
    "settings_env", [{"SEARCH_DEADLINE_SECONDS": "0.5", "SEARCH_LANE_TIMEOUT_SECONDS": "0.2"}]
)
async def test_bugs_and_missed_deadlines(
    settings: Settings, clap: ClapEmbedder, audio_dir: Path
) -> None:
    async with serve(settings, [TinyClap(clap), _FailingAdapters()]) as client:
        crashed = await client.post(
            "/api/v1/auth/token",
            data={"username": "a", "password": "b"},
            headers={"X-Request-ID": "bug-1"},
        )
        assert crashed.status_code == 500
        error = error_of(crashed)
        assert error["code"] == "INTERNAL_ERROR" and "fire" not in error["message"]
        assert crashed.headers["x-request-id"] == "bug-1"

        clip = track_file(audio_dir, 10, "clip.wav", seconds=3)
        late = await client.post("/api/v1/search", files=[upload(clip)])
        assert late.status_code == 504
        assert error_of(late)["code"] == "SEARCH_TIMEOUT"


class _BrokenFingerprints:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def read(self, work: Any) -> Any:
        raise OSError("the LMDB disk is gone")


class _BrokenExactLane(Provider):
    scope = Scope.APP

    @decorate
    def broken(self, index: FingerprintIndex) -> FingerprintIndex:
        return _BrokenFingerprints(index)  # type: ignore[return-value]


async def test_vibe_unavailable_gives_exact_results_and_says_why(
    settings: Settings, audio_dir: Path, admin_headers_for: AdminHeaders
) -> None:
    reason = "the CLAP weights are not available offline"
    async with serve(settings, [TinyClap(None, reason)]) as client:
        headers = await admin_headers_for(client)
        song = track_file(audio_dir, 11, "Song.wav")
        created = await client.post(
            "/api/v1/ingest", files=[upload(song, "files")], headers=headers
        )
        track_id = created.json()["files"][0]["track_id"]
        details = (await client.get(f"/api/v1/tracks/{track_id}")).json()
        await _wait_fingerprinted(client, track_id)
        assert set(details["projections"]) == {"fingerprint", "embedding"}

        clip = clip_file(audio_dir, 11, 2.0, 5.0, "clip.mp3")
        found = await client.post("/api/v1/search", files=[upload(clip)])
        assert found.status_code == 200
        body = found.json()
        assert body["exact_matches"][0]["track"]["id"] == track_id
        assert body["lanes"]["vibe"]["status"] == "unavailable"
        assert body["lanes"]["vibe"]["reason"] == reason
        assert body["lanes"]["vibe"]["code"] == "LANE_UNAVAILABLE"

        text = await client.post("/api/v1/search/text", json={"text": "piano"})
        assert text.status_code == 503
        assert error_of(text)["code"] == "LANE_UNAVAILABLE"
        ready = (await client.get("/health/ready")).json()
        assert ready["status"] == "degraded"
        assert ready["checks"]["clap_model"] == {
            "status": "down",
            "required": False,
            "latency_ms": None,
            "detail": reason,
        }


async def test_a_failing_exact_lane_leaves_the_vibe_results(
    settings: Settings, clap: ClapEmbedder, audio_dir: Path, admin_headers_for: AdminHeaders
) -> None:
    async with serve(settings, [TinyClap(clap), _BrokenExactLane()]) as client:
        headers = await admin_headers_for(client)
        song = track_file(audio_dir, 12, "Song.wav")
        created = await client.post(
            "/api/v1/ingest", files=[upload(song, "files")], headers=headers
        )
        track_id = created.json()["files"][0]["track_id"]
        await wait_indexed(client, [track_id])
        clip = clip_file(audio_dir, 12, 2.0, 5.0, "clip.wav")
        body = (await client.post("/api/v1/search", files=[upload(clip)])).json()
        assert body["lanes"]["exact"]["status"] == "failed"
        assert body["lanes"]["exact"]["code"] == "INTERNAL_ERROR"
        assert body["exact_matches"] == []
        assert body["lanes"]["vibe"]["status"] == "ok"
        assert body["vibe_matches"][0]["track"]["id"] == track_id


async def _wait_fingerprinted(client: Client, track_id: str) -> None:
    async with asyncio.timeout(30):
        while True:
            details = (await client.get(f"/api/v1/tracks/{track_id}")).json()
            if details["projections"]["fingerprint"] == "indexed":
                return
            await asyncio.sleep(0.1)


async def test_error_details_never_show_the_servers_spool_path(
    client: Client, audio_dir: Path
) -> None:
    garbage = audio_dir / "garbage.mp3"
    garbage.write_bytes(b"\x00\x01 not audio " * 500)
    cut = audio_dir / "cut.flac"
    cut.write_bytes(track_file(audio_dir, 10, "whole.flac", seconds=8).read_bytes()[:3000])
    for path in (garbage, cut):
        for route in ("/api/v1/search", "/api/v1/timeline"):
            refused = await client.post(route, files=[upload(path)])
            error = error_of(refused)
            assert error["code"] == "UNSUPPORTED_FORMAT", (route, refused.text)
            shown = str(error)
            assert "audio-ident-upload" not in shown and "/tmp" not in shown, (route, shown)

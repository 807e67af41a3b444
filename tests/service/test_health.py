"""Liveness, readiness, version; request ids, CORS, and the error envelope for routing."""

from __future__ import annotations

import asyncio
import re
from uuid import UUID

import pytest
from dishka import Provider, Scope, decorate

from application.health.readiness_snapshot import REFRESH_SECONDS
from domain.ports.fingerprint_index import FingerprintIndex
from entrypoints.settings import Settings
from tests.support.http_app import Client, error_of, serve


@pytest.mark.twins  # also on every port's in-memory twin
async def test_liveness_readiness_and_version(client: Client) -> None:
    live = await client.get("/health")
    assert live.status_code == 200 and live.json() == {"status": "ok"}

    ready = await client.get("/health/ready")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {
        *("postgres", "fingerprint_index", "vector_index", "clap_model"),
        *("fingerprint_lag", "embedding_lag"),  # this node's own projections
    }
    assert all(c["status"] == "ok" for c in body["checks"].values())
    # Probed stores answer with their latency; the model, loaded at start, is not asked.
    probed = ("postgres", "fingerprint_index", "vector_index")
    assert all(body["checks"][name]["latency_ms"] >= 0 for name in probed)
    assert body["checks"]["clap_model"]["latency_ms"] is None
    assert body["checks"]["postgres"]["required"] and not body["checks"]["clap_model"]["required"]
    assert body["event_log_head"] == 0
    assert body["node"] == "main"
    caught_up = {"node": "main", "checkpoint": 0, "lag_events": 0, "lag_seconds": 0.0}
    assert body["projections"] == {"fingerprint": caught_up, "embedding": caught_up}

    version = await client.get("/api/v1/version")
    assert version.json() == {"name": "audio-ident", "version": "9.9.9", "git_sha": "0123abc"}


@pytest.mark.twins  # also on every port's in-memory twin
async def test_request_id_is_echoed_or_generated(client: Client) -> None:
    mine = await client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert mine.headers["x-request-id"] == "abc-123"
    made = await client.get("/health", headers={"X-Request-ID": "bad id\twith junk"})
    assert made.headers["x-request-id"] not in ("", "bad id\twith junk")
    assert len(made.headers["x-request-id"]) == 32


@pytest.mark.twins  # also on every port's in-memory twin
async def test_unknown_paths_and_methods_use_the_envelope(client: Client) -> None:
    missing = await client.get("/api/v1/nothing-here", headers={"X-Request-ID": "r-404"})
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "NOT_FOUND"
    assert missing.headers["x-request-id"] == "r-404"

    wrong = await client.put("/api/v1/version")
    assert wrong.status_code == 405
    assert error_of(wrong)["code"] == "METHOD_NOT_ALLOWED"

    bad_id = await client.get("/api/v1/tracks/not-a-uuid")
    assert bad_id.status_code in (400, 404)
    assert error_of(bad_id)["code"] in ("VALIDATION_ERROR", "NOT_FOUND")


@pytest.mark.twins  # also on every port's in-memory twin
async def test_cors_allows_the_ui_origin(client: Client) -> None:
    preflight = await client.options(
        "/api/v1/search",
        headers={
            "Origin": "http://localhost:17000",
            "Access-Control-Request-Method": "POST",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:17000"
    other = await client.get("/health", headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.twins  # also on every port's in-memory twin
async def test_openapi_schema_is_served(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/search" in schema["paths"]
    assert "BearerToken" in schema["components"]["securitySchemes"]
    docs = await client.get("/schema/swagger")
    assert docs.status_code == 200


@pytest.mark.twins  # also on every port's in-memory twin
async def test_the_api_docs_need_no_internet(client: Client) -> None:
    for path in ("/schema", "/schema/swagger"):
        page = await client.get(path)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        scripts = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
        assert scripts and not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
        for asset in scripts:
            assert (await client.get(asset)).status_code == 200, asset
        bundle = await client.get("/api-docs-assets/swagger-ui-bundle.js")
        assert len(bundle.content) > 100_000  # Swagger UI itself, not a stub


class _HangingIndex:
    """The fingerprint index, except that its readiness lookup hangs after the first one
    (a store that stopped answering)."""

    def __init__(self, inner: FingerprintIndex) -> None:
        self._inner, self._lookups = inner, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    async def hash_count(self, track_id: UUID) -> int | None:
        self._lookups += 1
        if self._lookups > 1:
            await asyncio.Event().wait()
        return await self._inner.hash_count(track_id)


class _Hanging(Provider):
    scope = Scope.APP

    @decorate
    def hanging(self, index: FingerprintIndex) -> FingerprintIndex:
        return _HangingIndex(index)  # type: ignore[return-value]


async def test_readiness_answers_from_the_last_report_without_waiting_for_the_stores(
    settings: Settings, overrides: list[Provider]
) -> None:
    async with serve(settings, [*overrides, _Hanging()]) as client:
        first = await client.get("/health/ready")  # the report taken before serving
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["status"] == "ready" and body["stale_after_seconds"] > 0
        assert 0 <= body["checked_seconds_ago"] <= body["stale_after_seconds"]
        # The next refresh waits for the hanging store (up to the probes' timeout) while
        # every probe still answers from the report before it, then reports it down.
        deadline, ages = asyncio.get_running_loop().time() + 20, list[float]()
        while (ready := await client.get("/health/ready")).status_code == 200:
            assert ready.json()["checks"]["fingerprint_index"]["status"] == "ok"
            ages.append(ready.json()["checked_seconds_ago"])
            assert asyncio.get_running_loop().time() < deadline, "the refresh never came"
            await asyncio.sleep(0.1)
        assert max(ages) > REFRESH_SECONDS  # answered while the refresh was stuck
        down = ready.json()["checks"]["fingerprint_index"]
        assert ready.status_code == 503 and down == {
            "status": "down", "required": True, "latency_ms": down["latency_ms"],
            "detail": "timed out",
        }  # fmt: skip


@pytest.mark.parametrize("settings_env", [{"EMBEDDING_MODEL": "none"}])
async def test_a_lane_switched_off_on_purpose_is_ready_and_has_no_lag(client: Client) -> None:
    ready = await client.get("/health/ready")
    body = ready.json()
    assert (ready.status_code, body["status"]) == (200, "ready")
    # Off on purpose: nothing asked, so no latency; and no index left to lag behind.
    off = {"status": "disabled", "required": False, "latency_ms": None, "detail": None}
    assert body["checks"]["vector_index"] == body["checks"]["clap_model"] == off
    assert set(body["projections"]) == {"fingerprint"}

"""`audio-ident users create` and `audio-ident serve` as an operator runs them, and a
bounded schemathesis run against the live server's OpenAPI schema (no 5xx allowed)."""

from __future__ import annotations

import asyncio
import io
import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from entrypoints.cli.main import main
from tests.support.serve_process import PASSWORD, admin_token, spawn_serve

SCHEMATHESIS_SECONDS = 25


@pytest.fixture
def server(
    serve_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    with spawn_serve(serve_env, tmp_path) as running:
        yield running


async def test_users_create_from_the_cli(
    serve_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in serve_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert (
        await asyncio.to_thread(main, ["users", "create", "Root", "--admin", "--password-stdin"])
        == 0
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert await asyncio.to_thread(main, ["users", "create", "root", "--password-stdin"]) == 1


async def test_serve_answers_then_stops_gracefully(
    serve_env: dict[str, str],
    server: tuple[str, subprocess.Popen[bytes]],
    engine: AsyncEngine,
    tmp_path: Path,
) -> None:
    server_url, process = server
    async with httpx.AsyncClient(base_url=server_url) as client:
        version = (await client.get("/api/v1/version")).json()
        ready = (await client.get("/health/ready")).json()
        missing = (await client.get("/nope")).json()
    assert version["git_sha"] == "feedface"
    assert ready["checks"]["clap_model"]["status"] == "ok"
    assert missing["error"]["code"] == "NOT_FOUND"

    # The schemathesis run, bounded in examples and time: no request may cause a 5xx, and
    # every answer (errors included) must match the schema.
    admin = await admin_token(server_url, engine)
    report = tmp_path / "schemathesis"
    started = time.monotonic()
    done = await asyncio.to_thread(
        subprocess.run,
        [
            str(Path(sys.executable).with_name("st")),
            "run",
            f"{server_url}/schema/openapi.json",
            # Every check but two: a PNG sent as `audio` is schema-valid and rightly refused
            # (422), and Litestar's automatic OPTIONS answers list all methods.
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance,allow_header_conformance",
            "--max-examples",
            "8",
            "--max-time",
            str(SCHEMATHESIS_SECONDS),
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--workers",
            "1",
            "--seed",
            "17",
            "--request-timeout",
            "30",
            "--header",
            f"Authorization: Bearer {admin}",
            "--report-dir",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=SCHEMATHESIS_SECONDS + 60,
        env=serve_env,
        cwd=tmp_path,  # schemathesis keeps a cache folder in its working directory
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert time.monotonic() - started < SCHEMATHESIS_SECONDS + 30

    # SIGTERM: requests finish, the projectors stop, the container closes, exit code 0
    # (after the exit hooks ran).
    process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(process.wait, 30) == 0
    assert "stopped: projectors stopped, stores closed" in (tmp_path / "serve.log").read_text()


async def test_serve_speaks_websocket(server: tuple[str, subprocess.Popen[bytes]]) -> None:
    """uvicorn needs a WebSocket implementation installed: the listen socket really opens."""
    from websockets.asyncio.client import connect

    server_url, _ = server
    async with connect(server_url.replace("http://", "ws://") + "/api/v1/listen") as socket:
        assert json.loads(await socket.recv()) == {"type": "listening"}
        await socket.send("stop")
        while (end := json.loads(await socket.recv()))["type"] == "progress":
            pass
        assert end == {"type": "end", "seconds": 0.0, "segments": 0}
        await socket.wait_closed()
        assert socket.close_code == 1000

"""`audio-ident serve` starting and stopping as an operator meets it: it says where it
listens and when it is ready, refuses a port in use or a data root already served in a
sentence and at once, stops within seconds however busy its projectors are, and keeps
signed-in tokens valid across a restart without JWT_SECRET."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from application.library.ingest_file import IngestFile
from tests.support.audio_factory import encode, synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.serve_process import admin_token, free_port, spawn_serve

SERVE = [sys.executable, "-m", "entrypoints.cli.main", "serve"]
BACKLOG = 30  # tracks ingested before serve starts


def said(log: Path) -> list[dict[str, Any]]:
    """The JSON lines of a serve log (stderr not a terminal)."""
    lines = log.read_text().splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def lag(url: str) -> dict[str, int]:
    projections = httpx.get(f"{url}/health/ready", timeout=5).json()["projections"]
    return {name: state["lag_events"] for name, state in projections.items()}


def test_serve_says_in_its_log_where_it_listens_and_when_it_is_ready(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    with spawn_serve(serve_env, tmp_path) as (url, process):
        process.terminate()
        assert process.wait(timeout=30) == 0
    lines = said(tmp_path / "serve.log")
    events = {line["event"]: line for line in lines if line["logger"] == "audio_ident.announce"}
    assert list(events) == ["starting", "ready", "stopped"]  # at the default log level
    assert events["starting"]["url"] == events["ready"]["url"] == f"{url}/"
    assert events["starting"]["data_root"] == serve_env["AUDIO_STORAGE_ROOT"]
    assert events["ready"]["vibe"] == "on"
    assert not any("JWT_SECRET" in line["event"] for line in lines)


def test_on_a_terminal_serve_says_it_in_plain_sentences(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    port = free_port()
    env = {**serve_env, "EMBEDDING_MODEL": "none"}
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*SERVE, "--port", str(port)],
        env=env,
        stdout=follower,
        stderr=follower,
        # As on a terminal: a test run started in the background (`.ci/run &`) passes its
        # children SIGINT ignored, and then Ctrl-C rightly does nothing to serve.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(follower)
    screen = ""
    try:
        deadline = time.monotonic() + 90
        while "ready" not in screen and time.monotonic() < deadline:
            if select.select([leader], [], [], 1)[0]:
                screen += os.read(leader, 65536).decode(errors="replace")
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=30) == 130  # as a shell expects of Ctrl-C
        while select.select([leader], [], [], 0.5)[0]:
            try:
                screen += os.read(leader, 65536).decode(errors="replace")
            except OSError:
                break
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    url = f"http://127.0.0.1:{port}/"
    lines = [line.strip() for line in screen.splitlines() if line.startswith("audio-ident:")]
    root = serve_env["AUDIO_STORAGE_ROOT"]
    assert lines == [
        f"audio-ident: serving {root} at {url} — starting (database, model, indexes)…",
        f"audio-ident: ready: open {url} (vibe lane switched off); Ctrl-C stops",
        "audio-ident: stopped",
    ], screen


def test_a_port_in_use_is_refused_at_once_in_a_sentence(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run(
            [*SERVE, "--port", str(port)], env=serve_env, capture_output=True, text=True, timeout=60
        )
        seconds = time.monotonic() - started
    assert done.returncode == 1
    assert done.stderr.strip().endswith(
        f"audio-ident: port {port} is already in use: another program listens on "
        f"127.0.0.1:{port}; use --port (or SERVICE_PORT) to pick another, or stop the other "
        "process"
    ), done.stderr
    assert "Errno" not in done.stderr
    # It used to start everything, hang 30 s on the projectors and exit after 33 s.
    assert seconds < 15, f"took {seconds:.1f} s"


def test_a_second_serve_on_the_same_data_root_is_refused_naming_the_first(
    serve_env: dict[str, str], tmp_path: Path
) -> None:
    with spawn_serve(serve_env, tmp_path, "first.log") as (_, first):
        done = subprocess.run(
            [*SERVE, "--port", str(free_port())],
            env=serve_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        root = serve_env["AUDIO_STORAGE_ROOT"]
        assert (
            f"audio-ident: process {first.pid} is already serving the data root {root}"
            in done.stderr
        ), done.stderr
        assert "stop it first, or set AUDIO_STORAGE_ROOT to another folder" in done.stderr
        first.kill()  # no clean exit: the kernel lets go of its lock all the same
        first.wait(timeout=30)
        with spawn_serve(serve_env, tmp_path, "second.log") as (url, _):
            assert httpx.get(f"{url}/health", timeout=5).status_code == 200


async def test_serve_stops_within_seconds_in_the_middle_of_a_backlog(
    serve_env: dict[str, str], tmp_path: Path, ingest: IngestFile, audio_dir: Path
) -> None:
    # A loaded run: many tracks ingested while no projector ran, so serve starts behind.
    # FLAC, which goes through ffmpeg: a plain WAV is read in process, fast enough to
    # finish the backlog before a loaded machine's test sees it busy.
    for seed in range(BACKLOG):
        wav = write_wav(audio_dir / f"t{seed}.wav", synth_track(seed, 40.0))
        await ingest(encode(wav, audio_dir / f"t{seed}.flac"))
    # Without the prints stored at ingest the projection decodes every file again (its
    # fallback), which keeps it busy long enough to be stopped in the middle.
    shutil.rmtree(tmp_path / "storage" / "blobs" / "prints")
    code, seconds = await asyncio.to_thread(_stopped_while_busy, serve_env, tmp_path)
    assert code == 0
    # It used to work through the whole backlog first, or for 30 s, then be cancelled.
    assert seconds < 8, f"took {seconds:.1f} s to stop"
    code, out, _ = await run_cli(serve_env, "outbox", "status", "--json")
    behind = {p["projection"]: p["lag_events"] for p in json.loads(out)["projections"]}
    assert code == 0 and behind["fingerprint"] > 0, "it stopped only once the backlog was done"

    # Safely: the next start applies the rest, and every index holds what it recorded.
    await asyncio.to_thread(_caught_up_once, serve_env, tmp_path)
    code, out, _ = await run_cli(serve_env, "outbox", "verify", "--json")
    assert code == 0, out
    assert json.loads(out)["drift"] == []


def _stopped_while_busy(env: dict[str, str], tmp_path: Path) -> tuple[int, float]:
    """SIGTERM while the projectors apply the backlog: the exit code, the seconds it took."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*SERVE, "--port", str(port), "--poll", "0.5"], env=env, stdout=log, stderr=log
        )
    try:
        # Not ready until it has caught up (its readiness says so, with the lag).
        deadline = time.monotonic() + 90
        while True:  # until it is busy applying them
            assert process.poll() is None and time.monotonic() < deadline
            with contextlib.suppress(httpx.HTTPError, KeyError, ValueError):
                ready = httpx.get(f"{url}/health/ready", timeout=5)
                behind = ready.json()["projections"]["fingerprint"]["lag_events"]
                if 0 < behind < BACKLOG:
                    assert ready.status_code == 503
                    assert ready.json()["checks"]["fingerprint_lag"]["status"] == "down"
                    break
            time.sleep(0.1)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        return process.wait(timeout=60), time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def _caught_up_once(env: dict[str, str], tmp_path: Path) -> None:
    with spawn_serve(env, tmp_path, "again.log") as (url, again):
        deadline = time.monotonic() + 120
        while any(lag(url).values()) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(lag(url).values())
        again.terminate()
        again.wait(timeout=30)


async def test_tokens_outlive_a_restart_without_jwt_secret(
    serve_env: dict[str, str], tmp_path: Path, engine: AsyncEngine
) -> None:
    env = {k: v for k, v in serve_env.items() if k != "JWT_SECRET"}
    with spawn_serve(env, tmp_path, "first.log") as (url, first):
        token = await admin_token(url, engine)
        first.terminate()
        first.wait(timeout=30)
    secret = Path(env["AUDIO_STORAGE_ROOT"]) / "jwt-secret"
    assert secret.stat().st_mode & 0o777 == 0o600
    with spawn_serve(env, tmp_path, "second.log") as (url, _):
        async with httpx.AsyncClient(base_url=url) as client:
            me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text  # the same secret signed it: still accepted

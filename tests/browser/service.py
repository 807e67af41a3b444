"""A real `audio-ident serve` on the embedded default (no DATABASE_URL: its own Postgres
under the storage root), filled the way an operator fills it: `users create`, `ingest`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ADMIN, PASSWORD = "curator", "correct-horse-battery"
COMMAND = [sys.executable, "-m", "entrypoints.cli.main"]


@dataclass
class Service:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def environment(storage: Path, model: Path, dimension: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    env.update(
        AUDIO_STORAGE_ROOT=str(storage),
        EMBEDDING_MODEL=str(model),
        EMBEDDING_DIM=str(dimension),
        JWT_SECRET="a-browser-test-secret-long-enough-for-hs256",
    )
    return env


def run_cli(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [*COMMAND, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"audio-ident {' '.join(args)}: {done.stdout}{done.stderr}"
    return done.stdout


def start(env: dict[str, str], log: Path, caught_up: tuple[str, ...] | None = None) -> Service:
    """`serve` on a free port, once ready and `caught_up` (default: every index) applied
    the whole event log."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    with log.open("w") as out:
        process = subprocess.Popen(
            [*COMMAND, "serve", "--port", str(port), "--poll", "0.5"],
            env=env,
            stdout=out,
            stderr=out,
        )
    service = Service(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_caught_up(service, timeout=180, projections=caught_up)
    except BaseException:
        service.stop()
        raise
    return service


def wait_caught_up(
    service: Service, timeout: float, projections: tuple[str, ...] | None = None
) -> None:
    """Until the service is ready and every index (or `projections`) applied the whole log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert service.process.poll() is None, service.log.read_text()[-4000:]
        try:
            ready = httpx.get(f"{service.url}/health/ready", timeout=5)
            body = ready.json()
            if ready.status_code == 200 and all(
                lag["lag_events"] == 0
                for name, lag in body["projections"].items()
                if projections is None or name in projections
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"serve did not catch up: {service.log.read_text()[-4000:]}")

"""A real `audio-ident serve` in a child process, as an operator runs it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.argon2.password_hasher import Argon2PasswordHasher
from adapters.postgres.users import PostgresUserRepository
from adapters.system.clock import SystemClock
from application.accounts.create_user import CreateUser
from domain.accounts.user import Role

PASSWORD = "correct-horse-battery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def spawn_serve(
    serve_env: dict[str, str], tmp_path: Path, log_name: str = "serve.log"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A real `audio-ident serve` on a free port, ready; killed at the end."""
    port = free_port()
    log = (tmp_path / log_name).open("w")
    command = [sys.executable, "-m", "entrypoints.cli.main", "--log-level", "INFO", "serve"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--poll", "0.5"], env=serve_env, stderr=log, stdout=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, process, timeout=90)
        yield url, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        log.close()


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("serve did not become ready")


async def admin_token(server_url: str, engine: AsyncEngine) -> str:
    users = PostgresUserRepository(engine)
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024)
    await CreateUser(users, hasher, SystemClock())("fuzzer", PASSWORD, Role.ADMIN)
    form = {"username": "fuzzer", "password": PASSWORD}
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{server_url}/api/v1/auth/token", data=form)
    return str(response.json()["access_token"])

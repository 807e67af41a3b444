"""kill -9 of `serve` during an admin upload and during a projection: after a restart, no
orphan blob, no leftover spool or half-copied file, no duplicate track, verify clean."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.serve_process import admin_token, spawn_serve


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


def _dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


async def test_a_killed_serve_leaves_nothing_behind_after_a_restart(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    storage, spool = tmp_path / "storage", tmp_path / "spool"
    spool.mkdir()
    env.update(
        DATABASE_URL=database_url,
        AUDIO_STORAGE_ROOT=str(storage),
        EMBEDDING_MODEL="none",
        JWT_SECRET="a-test-secret-that-is-long-enough-for-hs256",
        TMPDIR=str(spool),
    )
    folder = tmp_path / "audio"
    folder.mkdir()
    tracks = [write_wav(folder / f"k{i}.wav", synth_track(80 + i, 30.0)) for i in range(6)]
    form = [("files", (p.name, p.read_bytes())) for p in tracks]

    with spawn_serve(env, tmp_path) as (url, process):
        admin = {"Authorization": f"Bearer {await admin_token(url, engine)}"}
        # An upload in flight on another connection: its headers and half its body.
        host, port = url.removeprefix("http://").split(":")
        upload = socket.create_connection((host, int(port)))
        upload.sendall(
            b"POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: "
            + admin["Authorization"].encode()
            + b"\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            + b"Content-Length: 4000000\r\n\r\n"
            + b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.wav"\r\n\r\n'
            + bytes(2_000_000)
        )
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            batch = asyncio.create_task(client.post("/api/v1/ingest", files=form, headers=admin))
            async with asyncio.timeout(60):  # the kill lands in the middle of the batch
                while await _count(engine, "tracks") < 2:  # noqa: ASYNC110 (polls Postgres)
                    await asyncio.sleep(0.02)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=30)
            with contextlib.suppress(httpx.HTTPError):
                await batch
        upload.close()

    assert await _count(engine, "tracks") < 6, "the batch finished before the kill"
    # What a kill between storing a file and committing its row, or in the middle of a
    # copy, or while a search held its upload on disk, leaves behind:
    blobs = storage / "blobs"
    orphan = blobs / "ff" / ("f" * 64 + ".wav")
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"an original whose row never committed")
    half = blobs / "ff" / f".incoming-{_dead_pid()}-abcd"
    half.write_bytes(b"half a copy")
    stale_spool = spool / f"audio-ident-upload-{_dead_pid()}-efgh"
    stale_spool.mkdir()
    (stale_spool / "upload.wav").write_bytes(b"a search's upload")

    with spawn_serve(env, tmp_path) as (url, _):
        assert not orphan.exists() and not half.exists() and not stale_spool.exists()
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            again = await client.post("/api/v1/ingest", files=form, headers=admin)
            assert again.status_code == 207, again.text  # those in before the kill: duplicates
            ids = [f["track_id"] for f in again.json()["files"]]
            async with asyncio.timeout(90):
                for track_id in ids:
                    while True:
                        details = (await client.get(f"/api/v1/tracks/{track_id}")).json()
                        if details["projections"]["fingerprint"] == "indexed":
                            break
                        await asyncio.sleep(0.2)
        code, out, _ = await run_cli(env, "outbox", "verify", "--json")
        assert code == 0 and json.loads(out)["drift"] == [], out

    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT storage_key FROM tracks"))).scalars().all()
    assert len(rows) == 6 == len(set(rows))
    originals = [p for p in blobs.glob("*/*") if p.parent.name != "prints"]  # not the prints
    stored = {f"{p.parent.name}/{p.name}" for p in originals}
    assert stored == set(rows)
    assert list(spool.iterdir()) == []

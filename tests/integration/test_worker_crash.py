"""kill -9 of a real `audio-ident worker` in the middle of its work loses nothing."""

from __future__ import annotations

import asyncio
import json
import signal
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from application.library.ingest_file import IngestFile
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import CLI, run_cli

TRACKS = 14


async def _checkpoint(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        query = text("SELECT position FROM projection_checkpoints WHERE name = 'fingerprint'")
        return int((await conn.execute(query)).scalar_one_or_none() or 0)


async def test_killed_worker_resumes_without_loss_or_double_counting(
    ingest: IngestFile, engine: AsyncEngine, cli_env: dict[str, str], audio_dir: Path
) -> None:
    for seed in range(TRACKS):
        outcome = await ingest(write_wav(audio_dir / f"t{seed}.wav", synth_track(seed, 60.0)))
        assert outcome.track_id is not None
    worker = await asyncio.create_subprocess_exec(
        *CLI, "worker", "--poll", "0.2", env=cli_env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        async with asyncio.timeout(60):
            while (at_kill := await _checkpoint(engine)) < 1:  # noqa: ASYNC110 (polls Postgres)
                await asyncio.sleep(0.01)
    finally:
        worker.send_signal(signal.SIGKILL)
        await worker.wait()
    assert at_kill < TRACKS, "the worker finished before it could be killed mid-way"

    code, _, _ = await run_cli(cli_env, "outbox", "replay", "--projection", "fingerprint")
    assert code == 0
    assert await _checkpoint(engine) == TRACKS
    code, out, _ = await run_cli(cli_env, "outbox", "verify", "--json")
    report = json.loads(out)
    assert report["drift"] == []
    assert report["checked_tracks"] == TRACKS
    assert code == 0

"""Backpressure: past the CPU queue a search or an ingest is refused at once with 503
OVERLOADED and Retry-After, before its upload is read; health and readiness still answer.

The test client runs the app in its own event loop (a blocking portal) and serves one
request at a time, so the job that fills the queue is started in that loop directly.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from application.admission import CpuAdmission
from tests.http.conftest import Client, error_of
from tests.http.media import clip_file, upload
from tests.http.raw_asgi import MULTIPART, multipart_pieces, post_in_pieces


async def _occupy(admission: CpuAdmission, release: asyncio.Event) -> None:
    async with admission.slot():
        await release.wait()


@pytest.mark.parametrize("settings_env", [{"CPU_JOBS": "1", "CPU_QUEUE": "0"}])
async def test_past_the_queue_requests_are_refused_at_once(
    client: Client, admin: dict[str, str], audio_dir: Path
) -> None:
    portal = client.blocking_portal
    admission = await client.app.state.dishka_container.get(CpuAdmission)
    path = clip_file(audio_dir, 3, 1.0, 4.0, "clip.wav")
    release = portal.call(asyncio.Event)
    busy = asyncio.wrap_future(portal.start_task_soon(_occupy, admission, release))
    while admission.running == 0:  # noqa: ASYNC110 (the job starts in the app's loop)
        await asyncio.sleep(0.01)

    refused = await client.post("/api/v1/search", files=[upload(path)], data={"mode": "exact"})
    assert refused.status_code == 503
    assert error_of(refused)["code"] == "OVERLOADED"
    assert int(refused.headers["retry-after"]) >= 1
    assert error_of(refused)["details"]["retry_after_seconds"] >= 1
    ingest = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    assert ingest.status_code == 503 and error_of(ingest)["code"] == "OVERLOADED"
    pieces = multipart_pieces("audio", "big.wav", megabytes=4)
    status, read = await post_in_pieces(client.app, "/api/v1/search", pieces, [MULTIPART])
    assert (status, read) == (503, 0)  # not a byte of the upload was read
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/health/ready")).status_code == 200

    portal.call(release.set)
    await busy
    answered = await client.post("/api/v1/search", files=[upload(path)], data={"mode": "exact"})
    assert answered.status_code == 200, answered.text
    assert admission.refused == 3 and (admission.running, admission.waiting) == (0, 0)

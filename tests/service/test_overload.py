"""Backpressure: past the CPU queue a search or an ingest is refused with 503 OVERLOADED
and Retry-After; its upload is read to the end and dropped first (never spooled), so the
client reads the answer, or not asked for at all when the client sent `Expect:
100-continue`; the connection is closed after it. Health and readiness still answer.

The test client runs the app in its own event loop (a blocking portal) and serves one
request at a time, so the job that fills the queue is started in that loop directly.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from litestar.exceptions import WebSocketDisconnect

from application.capacity.admission import CpuAdmission
from tests.support.http_app import Client, error_of
from tests.support.media import clip_file, upload
from tests.support.raw_asgi import MULTIPART, multipart_pieces, post_in_pieces

pytestmark = pytest.mark.twins  # each test runs on the real stores and on the twins


async def _occupy(admission: CpuAdmission, release: asyncio.Event) -> None:
    async with admission.slot():
        await release.wait()


async def _saturate(client: Client) -> tuple[CpuAdmission, asyncio.Event, asyncio.Future[None]]:
    """The one CPU slot taken by a job in the app's loop, until the event is set."""
    portal = client.blocking_portal
    admission = await client.app.state.dishka_container.get(CpuAdmission)
    release = portal.call(asyncio.Event)
    busy = asyncio.wrap_future(portal.start_task_soon(_occupy, admission, release))
    while admission.running == 0:  # noqa: ASYNC110 (the job starts in the app's loop)
        await asyncio.sleep(0.01)
    return admission, release, busy


@pytest.mark.parametrize("settings_env", [{"CPU_JOBS": "1", "CPU_QUEUE": "0"}])
async def test_past_the_queue_requests_are_refused_at_once(
    client: Client, admin: dict[str, str], audio_dir: Path
) -> None:
    path = clip_file(audio_dir, 3, 1.0, 4.0, "clip.wav")
    admission, release, busy = await _saturate(client)

    refused = await client.post("/api/v1/search", files=[upload(path)], data={"mode": "exact"})
    assert refused.status_code == 503
    assert error_of(refused)["code"] == "OVERLOADED"
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["connection"] == "close"
    assert error_of(refused)["details"]["retry_after_seconds"] >= 1
    ingest = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    assert ingest.status_code == 503 and error_of(ingest)["code"] == "OVERLOADED"
    pieces = multipart_pieces("audio", "big.wav", megabytes=4)
    status, read = await post_in_pieces(client.app, "/api/v1/search", pieces, [MULTIPART])
    assert (status, read) == (503, len(pieces) + 1)  # every piece, then the client's close
    expecting = [MULTIPART, (b"expect", b"100-continue")]
    status, read = await post_in_pieces(client.app, "/api/v1/search", pieces, expecting)
    assert (status, read) == (503, 0)  # answered before the body was asked for
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/health/ready")).status_code == 200

    client.blocking_portal.call(release.set)
    await busy
    answered = await client.post("/api/v1/search", files=[upload(path)], data={"mode": "exact"})
    assert answered.status_code == 200, answered.text
    assert admission.refused == 4 and (admission.running, admission.waiting) == (0, 0)


@pytest.mark.parametrize("settings_env", [{"CPU_JOBS": "1", "CPU_QUEUE": "0"}])
async def test_timelines_are_refused_like_searches_when_the_cpu_is_saturated(
    client: Client, audio_dir: Path
) -> None:
    path = clip_file(audio_dir, 3, 1.0, 12.0, "long.wav")
    admission, release, busy = await _saturate(client)

    refused = await client.post("/api/v1/timeline", files=[upload(path)])
    assert refused.status_code == 503, refused.text
    assert error_of(refused)["code"] == "OVERLOADED" and int(refused.headers["retry-after"]) >= 1
    pieces = multipart_pieces("audio", "big.wav", megabytes=4)
    status, read = await post_in_pieces(client.app, "/api/v1/timeline", pieces, [MULTIPART])
    assert (status, read) == (503, len(pieces) + 1)  # read to the end and dropped
    with await client.websocket_connect("/api/v1/listen") as socket:
        refusal = socket.receive_json(timeout=30)
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json(timeout=30)
    assert refusal["type"] == "error" and refusal["error"]["code"] == "OVERLOADED"
    assert closed.value.code == 1013  # try again later

    client.blocking_portal.call(release.set)
    await busy
    answered = await client.post("/api/v1/timeline", files=[upload(path)])
    assert answered.status_code == 200, answered.text
    assert answered.text.splitlines()[-1].startswith('{"type":"end"')
    assert (admission.running, admission.waiting) == (0, 0)

"""POST /api/v1/timeline (NDJSON) and the /api/v1/listen WebSocket on the real adapters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import WebSocketTestSession

from tests.support.audio_factory import encode, write_wav
from tests.support.http_app import AdminHeaders, Client, error_of, wait_indexed
from tests.support.media import upload
from tests.support.timeline_audio import FIRST, SECOND, SET, mix, track


@pytest.fixture
async def library(client: Client, admin_headers_for: AdminHeaders, audio_dir: Path) -> list[str]:
    admin = await admin_headers_for(client)
    files = [write_wav(audio_dir / f"song{seed}.wav", track(seed)) for seed in (FIRST, SECOND)]
    created = await client.post(
        "/api/v1/ingest", files=[upload(f, "files") for f in files], headers=admin
    )
    ids = [f["track_id"] for f in created.json()["files"]]
    await wait_indexed(client, ids)
    return ids


@pytest.fixture
def mix_file(audio_dir: Path) -> Path:
    audio, _ = mix(SET)
    return encode(write_wav(audio_dir / "mix.wav", audio), audio_dir / "mix.mp3", "-b:a", "128k")


def ndjson(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


async def test_a_recording_streams_back_its_segments_as_ndjson(
    client: Client, library: list[str], mix_file: Path
) -> None:
    response = await client.post("/api/v1/timeline", files=[upload(mix_file)])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = ndjson(response.text)
    segments = [line for line in lines if line["type"] == "segment"]
    first, second = library
    assert [s["track"] and s["track"]["id"] for s in segments] == [first, second, None, first]
    assert segments[0]["track"]["title"] == f"song{FIRST}"
    assert segments[0]["offset_seconds"] == pytest.approx(5.0 + segments[0]["start_seconds"],
                                                          abs=0.1)  # fmt: skip
    assert segments[2]["confidence"] is None
    assert any(line["type"] == "progress" for line in lines)
    assert lines[-1] == {"type": "end", "seconds": pytest.approx(48.0, abs=0.2), "segments": 4}


@pytest.mark.twins  # also on every port's in-memory twin
async def test_unusable_uploads_get_the_error_envelope_before_any_line(
    client: Client, library: list[str], audio_dir: Path
) -> None:
    junk = audio_dir / "junk.mp3"
    junk.write_bytes(b"not audio" * 300)
    refused = await client.post("/api/v1/timeline", files=[upload(junk)])
    assert refused.status_code == 422
    assert error_of(refused)["code"] == "UNSUPPORTED_FORMAT"
    missing = await client.post("/api/v1/timeline", data={"nothing": "here"})
    assert missing.status_code == 400
    assert error_of(missing)["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    "settings_env",
    [{"TIMELINE_MAX_SECONDS": "20", "TIMELINE_MAX_UPLOAD_MB": "1", "REQUIRE_USER_TOKEN": "1"}],
)
async def test_the_limits_and_the_search_rules_apply(
    client: Client, mix_file: Path, audio_dir: Path, admin_headers_for: AdminHeaders
) -> None:
    anonymous = await client.post("/api/v1/timeline", files=[upload(mix_file)])
    assert anonymous.status_code == 401
    assert error_of(anonymous)["code"] == "UNAUTHORIZED"
    signed_in = await admin_headers_for(client)
    too_long = await client.post("/api/v1/timeline", files=[upload(mix_file)], headers=signed_in)
    assert too_long.status_code == 422
    assert error_of(too_long)["code"] == "AUDIO_TOO_LONG"
    audio, _ = mix(SET)
    big = write_wav(audio_dir / "big.wav", audio)  # 1.5 MB
    too_big = await client.post("/api/v1/timeline", files=[upload(big)], headers=signed_in)
    assert too_big.status_code == 413
    assert error_of(too_big)["code"] == "FILE_TOO_LARGE"


async def test_the_microphone_websocket_pushes_segments_as_they_are_found(
    client: Client, library: list[str], audio_dir: Path
) -> None:
    audio, _ = mix(SET)
    webm = encode(write_wav(audio_dir / "mic.wav", audio), audio_dir / "mic.webm", "-c:a",
                  "libopus", "-b:a", "32k")  # fmt: skip
    data = webm.read_bytes()
    with await client.websocket_connect("/api/v1/listen") as socket:
        assert socket.receive_json(timeout=30) == {"type": "listening"}
        for start in range(0, len(data), 4096):  # MediaRecorder sends a chunk every few 100 ms
            socket.send_bytes(data[start : start + 4096])
        socket.send_text('{"type": "stop"}')
        messages, code = until_closed(socket)
    assert code == 1000
    first, second = library
    started = [m["track"]["id"] for m in messages if m["type"] == "segment_started" and m["track"]]
    settled = [m["track"] and m["track"]["id"] for m in messages if m["type"] == "segment"]
    assert started == [first, second, first]
    assert settled == [first, second, None, first]
    assert messages[-1]["type"] == "end" and messages[-1]["segments"] == 4


@pytest.mark.twins  # also on every port's in-memory twin
async def test_the_websocket_says_why_it_refuses(
    client: Client, library: list[str], user: dict[str, str]
) -> None:
    token = user["Authorization"].removeprefix("Bearer ")
    with await client.websocket_connect("/api/v1/listen", subprotocols=["bearer", token]) as ok:
        assert ok.receive_json(timeout=30) == {"type": "listening"}
        ok.send_text("stop")
        *_, end = until_closed(ok)[0]
    assert end["type"] == "end"
    forged = ["bearer", "forged.token.here"]  # what a browser's WebSocket can carry
    with await client.websocket_connect("/api/v1/listen", subprotocols=forged) as socket:
        [refusal], code = until_closed(socket)
    assert refusal["type"] == "error" and refusal["error"]["code"] == "UNAUTHORIZED"
    assert code == 1008
    with await client.websocket_connect("/api/v1/listen") as socket:
        assert socket.receive_json(timeout=30) == {"type": "listening"}
        socket.send_bytes(b"this is no recording" * 200)
        socket.send_text("stop")
        [failure], code = until_closed(socket)
    assert failure["error"]["code"] == "UNSUPPORTED_FORMAT"
    assert code == 1003


def until_closed(socket: WebSocketTestSession) -> tuple[list[dict[str, Any]], int]:
    """Every message until the server closes the socket, and its close code."""
    messages: list[dict[str, Any]] = []
    while True:
        try:
            messages.append(socket.receive_json(timeout=60))
        except WebSocketDisconnect as closed:
            return messages, closed.code

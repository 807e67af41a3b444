"""POST /api/v1/timeline (NDJSON) and the /api/v1/listen WebSocket on the real adapters."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import WebSocketTestSession

from domain.audio import PcmAudio
from tests.support.audio_factory import encode, write_wav
from tests.support.http_app import AdminHeaders, Client, error_of, wait_indexed
from tests.support.media import upload
from tests.support.timeline_audio import DJ_SET, FIRST, SECOND, SET, Placed, mix, track


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
    # What a client holds can be saved as it came: the lines go back verbatim for export.
    exported = await client.post(
        "/api/v1/timeline/export?format=csv", json={"file": "mix.mp3", "segments": segments}
    )
    assert exported.status_code == 200, exported.text
    rows = list(csv.DictReader(io.StringIO(exported.text, newline="")))
    assert [r["title"] for r in rows] == [f"song{FIRST}", f"song{SECOND}", "", f"song{FIRST}"]
    assert [float(r["start"]) for r in rows] == pytest.approx(
        [s["start_seconds"] for s in segments], abs=0.001
    )


def assert_dj_set(segments: list[dict[str, Any]], library: list[str], placed: list[Placed]) -> None:
    """DJ_SET's two pieces, each one segment: A at 1.06 with its key kept, then B at speed 1
    a semitone up, each starting where the mix placed it."""
    assert [s["track"] and s["track"]["id"] for s in segments] == library
    assert [s["speed"] for s in segments] == [pytest.approx(1.06, abs=0.01),
                                              pytest.approx(1.0, abs=0.01)]  # fmt: skip
    assert [s["pitch_semitones"] for s in segments] == [pytest.approx(0.0, abs=0.2),
                                                        pytest.approx(1.0, abs=0.2)]  # fmt: skip
    assert [s["start_seconds"] for s in segments] == pytest.approx(
        [p.start for p in placed], abs=2.0
    )


async def test_a_dj_played_mix_streams_back_one_segment_per_track_with_its_speed(
    client: Client, library: list[str], audio_dir: Path
) -> None:
    """Key-locked tempo 1.06, then a semitone up: each one segment, NDJSON as for any mix."""
    audio, placed = mix(DJ_SET)
    played = encode(write_wav(audio_dir / "dj.wav", audio), audio_dir / "dj.mp3", "-b:a", "128k")
    response = await client.post("/api/v1/timeline", files=[upload(played)])
    assert response.status_code == 200, response.text
    segments = [line for line in ndjson(response.text) if line["type"] == "segment"]
    assert_dj_set(segments, library, placed)


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
    export = await client.post("/api/v1/timeline/export?format=csv", json={"segments": []})
    assert error_of(export)["code"] == "UNAUTHORIZED"


async def heard_by_the_microphone(
    client: Client, audio: PcmAudio, stem: Path, bitrate: str
) -> tuple[list[dict[str, Any]], int]:
    """The audio as the web app's microphone sends it (Opus in WebM, in chunks as
    MediaRecorder gives them every few 100 ms), then stop: every message and the close code."""
    webm = encode(write_wav(stem.with_suffix(".wav"), audio), stem.with_suffix(".webm"), "-c:a",
                  "libopus", "-b:a", bitrate)  # fmt: skip
    data = webm.read_bytes()
    with await client.websocket_connect("/api/v1/listen") as socket:
        assert socket.receive_json(timeout=30) == {"type": "listening"}
        for start in range(0, len(data), 4096):
            socket.send_bytes(data[start : start + 4096])
        socket.send_text('{"type": "stop"}')
        return until_closed(socket)


async def test_the_microphone_websocket_pushes_segments_as_they_are_found(
    client: Client, library: list[str], audio_dir: Path
) -> None:
    audio, _ = mix(SET)
    messages, code = await heard_by_the_microphone(client, audio, audio_dir / "mic", "32k")
    assert code == 1000
    first, second = library
    started = [m["track"]["id"] for m in messages if m["type"] == "segment_started" and m["track"]]
    settled = [m["track"] and m["track"]["id"] for m in messages if m["type"] == "segment"]
    assert started == [first, second, first]
    assert settled == [first, second, None, first]
    assert messages[-1]["type"] == "end" and messages[-1]["segments"] == 4


async def test_a_dj_played_mix_heard_through_the_websocket_keeps_its_speed_and_pitch(
    client: Client, library: list[str], audio_dir: Path
) -> None:
    """Key-locked tempo 1.06, then a semitone up, through the microphone path (Opus in a
    WebM, in chunks): one segment each, with the speed and the pitch that tell them apart."""
    audio, placed = mix(DJ_SET)
    messages, code = await heard_by_the_microphone(client, audio, audio_dir / "dj-mic", "48k")
    assert code == 1000
    segments = [m for m in messages if m["type"] == "segment"]
    assert_dj_set(segments, library, placed)


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


SONG_ID = "5d7c0b0e-8a57-4f0e-9c43-2f1f3c6f1a11"
EXPORT = {
    "file": "/home/me/Friday, live.mp3",
    "segments": [
        {
            "type": "segment",  # as the timeline's line gave it: extra fields are ignored
            "start_seconds": 0.0,
            "end_seconds": 12.5,
            "track": {"id": SONG_ID, "title": 'The "Long" Goodbye', "artist": "Band, Name",
                      "album": None, "duration_seconds": 200.0},
            "offset_seconds": 30.25,
            "speed": 1.04,
            "confidence": 0.99,
            "pitch_semitones": 0.7,
        },
        {"start_seconds": 12.5, "end_seconds": 20.0, "track": None, "offset_seconds": None,
         "speed": None, "confidence": None},
    ],
}  # fmt: skip


@pytest.mark.twins  # also on every port's in-memory twin
async def test_segments_are_exported_as_csv_cue_and_json(client: Client) -> None:
    as_csv = await client.post("/api/v1/timeline/export?format=csv", json=EXPORT)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["content-disposition"] == 'attachment; filename="Friday_ live.csv"'
    known, unknown = csv.DictReader(io.StringIO(as_csv.text, newline=""))
    assert known == {
        "file": "/home/me/Friday, live.mp3",
        "start": "0.000",
        "end": "12.500",
        "title": 'The "Long" Goodbye',
        "artist": "Band, Name",
        "track_id": SONG_ID,
        "offset": "30.250",
        "speed": "1.040",
        "confidence": "0.9900",
        "pitch": "0.7",
    }
    assert unknown["title"] == unknown["track_id"] == unknown["offset"] == unknown["pitch"] == ""
    as_cue = await client.post("/api/v1/timeline/export?format=cue", json=EXPORT)
    assert as_cue.headers["content-type"] == "application/x-cue; charset=utf-8"
    assert as_cue.text == (
        'FILE "Friday, live.mp3" MP3\n'
        "  TRACK 01 AUDIO\n"
        "    TITLE \"The 'Long' Goodbye\"\n"
        '    PERFORMER "Band, Name"\n'
        "    INDEX 01 00:00:00\n"
        "  TRACK 02 AUDIO\n"
        '    TITLE "Unknown"\n'
        "    INDEX 01 00:12:38\n"
    )
    as_json = await client.post("/api/v1/timeline/export?format=json", json=EXPORT)
    assert as_json.headers["content-type"] == "application/json"
    body = as_json.json()
    assert body["file"] == EXPORT["file"]
    first, second = body["segments"]
    assert first["track"] == {"id": SONG_ID, "title": 'The "Long" Goodbye',
                              "artist": "Band, Name", "album": None}  # fmt: skip
    assert (first["start_seconds"], first["end_seconds"], first["speed"]) == (0.0, 12.5, 1.04)
    assert first["pitch_semitones"] == 0.7
    assert "type" not in first and second["track"] is None


async def test_the_schema_names_each_export_format_s_media_type(client: Client) -> None:
    # Schema checkers (and generated clients) compare the Content-Type sent with these.
    schema = (await client.get("/schema/openapi.json")).json()
    answer = schema["paths"]["/api/v1/timeline/export"]["post"]["responses"]["200"]
    assert set(answer["content"]) == {"text/csv", "application/x-cue", "application/json"}


@pytest.mark.twins  # also on every port's in-memory twin
@pytest.mark.parametrize(
    ("query", "body", "said"),
    [
        ("format=xml", EXPORT, "format"),
        ("", EXPORT, "format"),
        ("format=csv", {"file": "x.mp3"}, "segments"),
        ("format=csv", {"segments": [{"start_seconds": 9.0, "end_seconds": 3.0}]}, "before"),
        ("format=cue", {"segments": [{"start_seconds": -1.0, "end_seconds": 3.0}]}, ">= 0"),
        ("format=csv", {"segments": [{"start_seconds": 0, "end_seconds": 1}] * 10_001}, "10000"),
    ],
    ids=["unknown-format", "no-format", "no-segments", "end-before-start", "negative", "too-many"],
)
async def test_a_bad_export_request_gets_the_error_envelope(
    client: Client, query: str, body: dict[str, Any], said: str
) -> None:
    refused = await client.post(f"/api/v1/timeline/export?{query}", json=body)
    assert refused.status_code == 400, refused.text
    error = error_of(refused)
    assert error["code"] == "VALIDATION_ERROR"
    assert said in json.dumps(error), error


def until_closed(socket: WebSocketTestSession) -> tuple[list[dict[str, Any]], int]:
    """Every message until the server closes the socket, and its close code."""
    messages: list[dict[str, Any]] = []
    while True:
        try:
            messages.append(socket.receive_json(timeout=60))
        except WebSocketDisconnect as closed:
            return messages, closed.code

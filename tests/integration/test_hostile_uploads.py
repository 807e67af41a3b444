"""Hostile uploads against a real `serve` (uvicorn, real ffmpeg): each gets a 4xx envelope
in time, nothing is left running, memory stays bounded, nothing is stored."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from tests.support.audio_factory import encode, synth_track, write_wav
from tests.support.serve_process import admin_token, spawn_serve

UPLOAD_TIMEOUT = 3.0
HEADER_TIMEOUT = 2.0
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.fixture
def hostile_server(
    serve_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, psutil.Process]]:
    env = {
        **serve_env,
        "UPLOAD_TIMEOUT_SECONDS": str(UPLOAD_TIMEOUT),
        "HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "INGEST_MAX_UPLOAD_MB": "210",
        "TMPDIR": str(tmp_path / "spool"),  # where uploads are spooled: checked after
    }
    (tmp_path / "spool").mkdir()
    with spawn_serve(env, tmp_path) as (url, process):
        yield url, psutil.Process(process.pid)


def _files(folder: Path) -> dict[str, tuple[str, bytes]]:
    """name → (upload file name, bytes) of each hostile file."""
    clip = write_wav(folder / "clip.wav", synth_track(4, 4.0))
    m4a = encode(clip, folder / "clip.m4a").read_bytes()
    lying = bytearray(write_wav(folder / "short.wav", synth_track(5, 0.4)).read_bytes())
    lying[4:8] = struct.pack("<I", 0xFFFFFFF0)  # RIFF size: far more than there is
    lying[40:44] = struct.pack("<I", 36000 * 32000)  # data: ten hours of 16 kHz s16
    silence = folder / "ten-hours.flac"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono",
         "-t", "36000", "-c:a", "flac", str(silence)],
        check=True,
    )  # fmt: skip
    mp3 = encode(clip, folder / "clip.mp3").read_bytes()
    return {
        "truncated mp4 (no moov)": ("clip.m4a", m4a[: len(m4a) // 2]),
        "wav header claims 10 h": ("short.wav", bytes(lying)),
        "flac of 10 h of silence": ("ten-hours.flac", silence.read_bytes()),
        "png renamed .m4a": ("cover.m4a", PNG + b"\x00" * 4096),
        "png + mp3 polyglot": ("poly.png", PNG + b"\x00" * 64 + mp3),
        "8 MB of zeros named .mp3": ("zeros.mp3", bytes(8 * 2**20)),
    }


def _children(server: psutil.Process) -> list[str]:
    return [c.name() for c in server.children(recursive=True) if c.name().startswith("ff")]


def _envelope(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return dict(body["error"])


async def test_hostile_files_get_a_4xx_in_time_and_leave_nothing_running(
    hostile_server: tuple[str, psutil.Process], tmp_path: Path
) -> None:
    url, server = hostile_server
    expected = {
        "truncated mp4 (no moov)": "UNSUPPORTED_FORMAT",
        "wav header claims 10 h": "AUDIO_TOO_SHORT",
        "flac of 10 h of silence": "AUDIO_TOO_LONG",
        "png renamed .m4a": "UNSUPPORTED_FORMAT",
        "png + mp3 polyglot": "UNSUPPORTED_FORMAT",
        "8 MB of zeros named .mp3": "UNSUPPORTED_FORMAT",
    }
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for name, (filename, data) in _files(tmp_path).items():
            started = time.monotonic()
            response = await client.post("/api/v1/search", files=[("audio", (filename, data))])
            # The server answers by SEARCH_DEADLINE_SECONDS (20 s); the margin is for the
            # upload and a loaded machine (one suite run saw 20.04 s for the 7 MB FLAC).
            assert time.monotonic() - started < 20 + 25, name
            assert response.status_code == 422, (name, response.text)
            assert _envelope(response)["code"] == expected[name], name
            assert _children(server) == [], name
        big = await client.post("/api/v1/search", files=[("audio", ("z.mp3", bytes(200 * 2**20)))])
        assert big.status_code == 413 and _envelope(big)["code"] == "FILE_TOO_LARGE"
    assert list((tmp_path / "spool").iterdir()) == []  # every spool file removed


async def test_odd_multipart_and_hostile_names_are_refused_cleanly(
    hostile_server: tuple[str, psutil.Process], tmp_path: Path, engine: Any
) -> None:
    url, server = hostile_server
    wav = write_wav(tmp_path / "t.wav", synth_track(8, 4.0)).read_bytes()
    head = 'Content-Disposition: form-data; name="audio"; filename="a.wav"\r\n'
    odd = {
        "no closing boundary": f"--b\r\n{head}\r\n".encode() + wav,
        "nested multipart/mixed": (
            f'--b\r\nContent-Disposition: form-data; name="audio"\r\n'
            "Content-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\n"
            f"{head}\r\n".encode()
            + wav
            + b"\r\n--c--\r\n--b--\r\n"
        ),
        "part without a name": b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n",
        "a 200 kB part header": f"--b\r\n{head}X-Pad: {'p' * 200_000}\r\n\r\n".encode()
        + wav
        + b"\r\n--b--\r\n",
        "empty body": b"",
    }
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for name, body in odd.items():
            headers = {"Content-Type": "multipart/form-data; boundary=b"}
            response = await client.post("/api/v1/search", content=body, headers=headers)
            assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
            _envelope(response)
        no_boundary = await client.post(
            "/api/v1/search", content=b"--b--", headers={"Content-Type": "multipart/form-data"}
        )
        assert 400 <= no_boundary.status_code < 500
        twice = await client.post(
            "/api/v1/search", files=[("audio", ("a.wav", wav)), ("audio", ("b.wav", wav))]
        )
        assert 400 <= twice.status_code < 500, twice.text

        admin = {"Authorization": f"Bearer {await admin_token(url, engine)}"}
        # Raw bytes: a client library would percent-encode the NUL.
        part = b'--b\r\nContent-Disposition: form-data; name="files"; '
        part += b'filename="../../etc/pass\x00wd\x1b.wav"\r\n\r\n' + wav + b"\r\n--b--\r\n"
        multipart = {"Content-Type": "multipart/form-data; boundary=b"}
        named = await client.post("/api/v1/ingest", content=part, headers={**admin, **multipart})
        assert named.status_code == 201, named.text
        track = named.json()["files"][0]
        assert track["filename"] == "passwd.wav"
        details = (await client.get(f"/api/v1/tracks/{track['track_id']}")).json()
        assert details["title"] == "passwd"
        async with asyncio.timeout(60):  # the projectors decode the new track: let them
            while set(details["projections"].values()) != {"indexed"}:
                await asyncio.sleep(0.2)
                details = (await client.get(f"/api/v1/tracks/{track['track_id']}")).json()
    assert _children(server) == []


def test_a_slowloris_upload_gets_408_within_the_deadline(
    hostile_server: tuple[str, psutil.Process],
) -> None:
    url, server = hostile_server
    host, port = url.removeprefix("http://").split(":")
    body = b'--b\r\nContent-Disposition: form-data; name="audio"; filename="a.wav"\r\n\r\n'
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /api/v1/search HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        started = time.monotonic()
        sock.setblocking(False)
        answer = b""
        for piece in body * 100:  # one byte a second, for as long as the server listens
            try:
                sock.send(bytes([piece]))
            except OSError:
                break  # the server hung up after answering
            with contextlib.suppress(BlockingIOError):
                answer += sock.recv(65536)
            if b"\r\n\r\n" in answer or time.monotonic() - started > UPLOAD_TIMEOUT + 10:
                break
            time.sleep(1.0)
        sock.setblocking(True)
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"REQUEST_TIMEOUT" in answer or b"content-length" in answer.lower()
    assert UPLOAD_TIMEOUT - 0.5 <= elapsed <= UPLOAD_TIMEOUT + 5
    assert server.memory_info().rss < 2 * 2**30


def _trickle(sock: socket.socket, data: bytes, give_up_after: float) -> tuple[bytes, float]:
    """Send `data` one byte a second until the server answers and hangs up; what it said,
    and how long after the first byte."""
    started = time.monotonic()
    sock.setblocking(False)
    answer = b""
    for byte in data:
        try:
            sock.send(bytes([byte]))
        except OSError:
            break  # the server hung up
        with contextlib.suppress(BlockingIOError):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
        if time.monotonic() - started > give_up_after:
            break
        time.sleep(1.0)
    sock.settimeout(give_up_after)
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536):
            answer += chunk
    return answer, time.monotonic() - started


def test_headers_sent_a_byte_a_second_are_dropped_within_the_header_deadline(
    hostile_server: tuple[str, psutil.Process],
) -> None:
    url, _ = hostile_server
    host, port = url.removeprefix("http://").split(":")
    request = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 60 + b"\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        answer, elapsed = _trickle(sock, request, HEADER_TIMEOUT + 10)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert HEADER_TIMEOUT - 0.5 <= elapsed <= HEADER_TIMEOUT + 3
    assert httpx.get(f"{url}/health").status_code == 200  # others are still served


def test_a_kept_alive_connection_gets_the_same_deadline_for_its_next_request(
    hostile_server: tuple[str, psutil.Process],
) -> None:
    url, _ = hostile_server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        first = b""
        while not first.endswith(b'{"status":"ok"}'):  # the whole answer, body included
            first += sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200"), first[:200]
        answer, elapsed = _trickle(sock, b"GET /health HTTP/1.1\r\nHost: x\r\n" * 4, 20)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert elapsed <= HEADER_TIMEOUT + 3


def test_a_connection_that_sends_nothing_is_closed_at_the_header_deadline(
    hostile_server: tuple[str, psutil.Process],
) -> None:
    url, _ = hostile_server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=HEADER_TIMEOUT + 10) as sock:
        started = time.monotonic()
        answer = sock.recv(65536)
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started <= HEADER_TIMEOUT + 3

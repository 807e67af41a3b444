"""A search takes a clip by its seconds of audio, whatever the format; a longer recording is
sent to the timeline, and the refusal says so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.http_app import Client, error_of
from tests.support.media import track_file, upload


def hifi_wav(folder: Path, seed: int, seconds: float) -> Path:
    """`seconds` of a track as 24-bit 48 kHz stereo WAV: 288 kB a second."""
    source = track_file(folder, seed, f"source-{seed}.wav", seconds=seconds)
    target = folder / f"hifi-{seed}-{seconds:g}.wav"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), "-c:a", "pcm_s24le",
         "-ar", "48000", "-ac", "2", str(target)],
        check=True,
    )  # fmt: skip
    return target


async def test_a_clip_is_measured_in_seconds_not_bytes(client: Client, audio_dir: Path) -> None:
    """30 s and 40 s of studio-quality WAV (8.6 and 11.5 MB) are ordinary clips."""
    for seconds in (30.0, 40.0):
        clip = hifi_wav(audio_dir, 3, seconds)
        assert clip.stat().st_size > 8_600_000
        found = await client.post("/api/v1/search", files=[upload(clip)], data={"mode": "exact"})
        assert found.status_code == 200, found.text
        assert found.json()["audio_seconds"] == pytest.approx(seconds, abs=0.01)


async def test_a_recording_longer_than_a_clip_is_sent_to_the_timeline(
    client: Client, audio_dir: Path
) -> None:
    song = track_file(audio_dir, 4, "song.mp3", seconds=75)
    refused = await client.post("/api/v1/search", files=[upload(song)])
    assert refused.status_code == 422
    error = error_of(refused)
    assert error["code"] == "AUDIO_TOO_LONG"
    assert error["details"] == {"max_seconds": 60.0, "use": "/api/v1/timeline"}
    assert error["message"] == (
        "the clip is longer than 60 s: for a whole recording or a mix, POST it to /api/v1/timeline"
    )


@pytest.mark.parametrize("settings_env", [{"SEARCH_MAX_SECONDS": "2"}])
async def test_an_upload_past_what_any_clip_can_be_is_sent_to_the_timeline_too(
    client: Client,
) -> None:
    big = await client.post("/api/v1/search", files=[("audio", ("set.wav", b"x" * 2**23))])
    assert big.status_code == 413
    error = error_of(big)
    assert error["code"] == "FILE_TOO_LARGE"
    assert error["details"] == {"limit_bytes": 2 * 1_536_000 + 2**20, "use": "/api/v1/timeline"}
    assert "/api/v1/timeline" in error["message"]
    # The text search keeps the small limit of a JSON body.
    text = await client.post("/api/v1/search/text", json={"text": "x" * 70_000})
    assert text.status_code == 413 and "use" not in error_of(text)["details"]

"""The real `audio-ident identify --timeline` and `audio-ident monitor` commands."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from application.library.ingest_file import IngestFile
from tests.support.audio_factory import encode, write_wav
from tests.support.cli_runner import CLI, run_cli
from tests.support.streams import dying_server
from tests.support.timeline_audio import FIRST, RATE, SECOND, SET, mix, track

FIELDS = {"file", "start_seconds", "end_seconds", "track_id", "title", "artist"} | {
    "offset_seconds",
    "speed",
    "confidence",
}


@pytest.fixture
async def library(ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path) -> dict[int, str]:
    ids = {}
    for seed in (FIRST, SECOND):
        outcome = await ingest(write_wav(audio_dir / f"song{seed}.wav", track(seed)))
        ids[seed] = str(outcome.track_id)
    code, _, err = await run_cli(cli_env, "outbox", "replay", "--projection", "fingerprint")
    assert code == 0, err
    return ids


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


async def test_identify_timeline_lists_the_segments_of_each_file(
    library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    audio, placed = mix(SET)
    mixed = encode(write_wav(audio_dir / "mix.wav", audio), audio_dir / "mix.mp3", "-b:a", "128k")
    junk = audio_dir / "junk.ogg"
    junk.write_bytes(b"OggS but not really" * 100)
    code, out, _ = await run_cli(
        cli_env, "identify", "--timeline", "--json", str(mixed), str(junk), str(audio_dir / "no")
    )
    *segments, bad, missing = lines(out)
    assert all(set(s) == FIELDS and s["file"] == str(mixed) for s in segments)
    assert [s["track_id"] for s in segments] == [library[FIRST], library[SECOND], None,
                                                 library[FIRST]]  # fmt: skip
    first = segments[0]
    assert first["title"] == f"song{FIRST}" and first["speed"] == 1.0
    assert first["start_seconds"] == pytest.approx(placed[0].start, abs=1.5)
    assert first["offset_seconds"] == pytest.approx(placed[0].offset + first["start_seconds"],
                                                    abs=0.1)  # fmt: skip
    assert segments[3]["end_seconds"] == pytest.approx(placed[3].end, abs=1.5)
    assert segments[2]["title"] is None and segments[2]["confidence"] is None
    assert bad == {"file": str(junk), "error": bad["error"]} and bad["error"]
    assert missing["error"].startswith("cannot read file")
    assert code == 1

    code, out, _ = await run_cli(cli_env, "identify", "--timeline", str(mixed))
    assert code == 0
    assert out.splitlines()[0] == str(mixed)
    assert f"song{FIRST}" in out.splitlines()[1] and "unknown" in out.splitlines()[3]


async def test_monitor_reads_stdin_and_says_each_start_before_its_segment(
    library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    audio, _ = mix(SET)
    opus = encode(write_wav(audio_dir / "mix.wav", audio), audio_dir / "mix.webm", "-c:a",
                  "libopus", "-b:a", "48k")  # fmt: skip
    result = subprocess.run(
        [*CLI, "monitor", "-", "--json"],
        input=opus.read_bytes(),
        env=cli_env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    reports = lines(result.stdout.decode())
    assert all(set(r) == FIELDS and r["file"] == "-" for r in reports)
    known = [r for r in reports if r["track_id"] is not None]
    started = [r["track_id"] for r in known if r["end_seconds"] is None]
    settled = [r["track_id"] for r in known if r["end_seconds"] is not None]
    assert started == settled == [library[FIRST], library[SECOND], library[FIRST]]
    for start in (r for r in known if r["end_seconds"] is None):
        end = next(r for r in reports if r["end_seconds"] is not None
                   and r["start_seconds"] == start["start_seconds"])  # fmt: skip
        assert reports.index(start) < reports.index(end)


async def test_monitor_of_a_stream_that_dies_reports_what_it_heard_then_fails(
    library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    audio, _ = mix(SET)
    data = write_wav(audio_dir / "mix.wav", audio).read_bytes()
    with dying_server(data, int(len(data) * 0.6)) as url:
        code, out, err = await run_cli(cli_env, "monitor", url, "--json")
    reports = lines(out)
    assert [r["track_id"] for r in reports if r["end_seconds"] is not None][:2] == [
        library[FIRST],
        library[SECOND],
    ]
    assert code == 1
    assert "broke off" in err


async def test_monitor_refuses_what_is_not_audio(
    library: dict[int, str], cli_env: dict[str, str]
) -> None:
    result = subprocess.run(
        [*CLI, "monitor", "-"],
        input=b"\x00\x01 definitely not audio " * 500,
        env=cli_env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == b""
    assert "not audio" in result.stderr.decode()


def silence_and_noise(seconds: int) -> Iterator[bytes]:
    """A WAV stream: silence with a burst of noise every 5 minutes (10 s of it)."""
    header = _wav_header()
    yield header
    rng = np.random.default_rng(5)
    for second in range(seconds):
        noisy = second % 300 < 10
        block = rng.normal(0.0, 0.1, RATE) if noisy else np.zeros(RATE)
        yield (block * 32767).astype("<i2").tobytes()


def _wav_header() -> bytes:
    """16-bit mono PCM of unknown length (sizes all ones: read until the stream ends)."""
    unknown = struct.pack("<I", 0xFFFFFFFF)
    layout = struct.pack("<IHHIIHH", 16, 1, 1, RATE, 2 * RATE, 2, 16)
    return b"RIFF" + unknown + b"WAVEfmt " + layout + b"data" + unknown


def peak_rss_of_monitor(env: dict[str, str], seconds: int) -> tuple[int, list[dict[str, Any]]]:
    """Peak resident memory (kB) of `monitor -` fed `seconds` of generated audio on stdin."""
    process = subprocess.Popen(
        [*CLI, "monitor", "-", "--json"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None

    def feed() -> None:
        assert process.stdin is not None
        with process.stdin:
            for chunk in silence_and_noise(seconds):
                process.stdin.write(chunk)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    out = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    feeder.join(5)
    assert process.returncode == 0
    return usage.ru_maxrss, lines(out.decode())


@pytest.mark.slow
async def test_two_hours_of_silence_and_noise_stay_in_bounded_memory_and_find_nothing(
    library: dict[int, str], cli_env: dict[str, str]
) -> None:
    short_peak, _ = peak_rss_of_monitor(cli_env, 5 * 60)
    long_peak, reports = peak_rss_of_monitor(cli_env, 2 * 3600)
    assert all(r["track_id"] is None for r in reports)
    assert reports[-1]["end_seconds"] == pytest.approx(2 * 3600, abs=1)
    # The whole input decoded at 16 kHz would be 460 MB; the growth is a few MB at most.
    assert long_peak - short_peak < 40 * 1024, (short_peak, long_peak)

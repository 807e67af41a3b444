"""The real `audio-ident monitor` command: standard input, HTTP streams that die, drop and come
back, addresses that cannot be reached, wall-clock times, and its memory over hours."""

from __future__ import annotations

import csv
import io
import json
import os
import struct
import subprocess
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.support.audio_factory import encode, write_wav
from tests.support.cli_runner import CLI, run_cli
from tests.support.streams import Reply, closed_port_url, scripted_server
from tests.support.timeline_audio import FIRST, RATE, SECOND, SET, mix

FIELDS = {"file", "start_seconds", "end_seconds", "track_id", "title", "artist"} | {
    "offset_seconds",
    "speed",
    "pitch_semitones",
    "confidence",
    "started_at",
    "ended_at",
}


def lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def moment(text: str) -> datetime:
    """An ISO 8601 time that carries its time zone (else the test fails)."""
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, text
    return parsed


def assert_times_agree(started: str, ended: str, start: float, end: float) -> None:
    """The wall-clock span of a segment is its span in the stream."""
    span = moment(ended) - moment(started)
    assert span.total_seconds() == pytest.approx(end - start, abs=0.002)


def monitor_stdin(
    env: dict[str, str], data: bytes, *options: str
) -> subprocess.CompletedProcess[bytes]:
    """`audio-ident monitor - OPTIONS` reading `data` on its standard input."""
    return subprocess.run(
        [*CLI, "monitor", "-", *options],
        input=data,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


def mix_mp3(audio_dir: Path) -> tuple[bytes, float]:
    audio, _ = mix(SET)
    wav = write_wav(audio_dir / "mix.wav", audio)
    return encode(wav, audio_dir / "mix.mp3", "-b:a", "128k").read_bytes(), audio.duration_seconds


async def test_monitor_reads_stdin_and_says_each_start_before_its_segment(
    mix_library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    audio, _ = mix(SET)
    opus = encode(write_wav(audio_dir / "mix.wav", audio), audio_dir / "mix.webm", "-c:a",
                  "libopus", "-b:a", "48k")  # fmt: skip
    result = monitor_stdin(cli_env, opus.read_bytes(), "--json")
    assert result.returncode == 0, result.stderr
    reports = lines(result.stdout.decode())
    assert all(set(r) == FIELDS and r["file"] == "-" for r in reports)
    known = [r for r in reports if r["track_id"] is not None]
    started = [r["track_id"] for r in known if r["end_seconds"] is None]
    settled = [r["track_id"] for r in known if r["end_seconds"] is not None]
    library = mix_library
    assert started == settled == [library[FIRST], library[SECOND], library[FIRST]]
    for start in (r for r in known if r["end_seconds"] is None):
        end = next(r for r in reports if r["end_seconds"] is not None
                   and r["start_seconds"] == start["start_seconds"])  # fmt: skip
        assert reports.index(start) < reports.index(end)
        assert start["ended_at"] is None
    for r in (r for r in reports if r["end_seconds"] is not None):
        assert_times_agree(r["started_at"], r["ended_at"], r["start_seconds"], r["end_seconds"])


async def test_monitor_writes_a_csv_table_with_wall_clock_times(
    mix_library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    data, _ = mix_mp3(audio_dir)
    result = monitor_stdin(cli_env, data, "--format", "csv")
    assert result.returncode == 0, result.stderr
    table = csv.DictReader(io.StringIO(result.stdout.decode(), newline=""))
    rows = list(table)
    assert table.fieldnames == ["file", "start", "end", "title", "artist", "track_id", "offset",
                                "speed", "confidence", "pitch", "start_seconds",
                                "end_seconds"]  # fmt: skip
    assert [r["track_id"] for r in rows] == [mix_library[FIRST], mix_library[SECOND], "",
                                             mix_library[FIRST]]  # fmt: skip
    for row in rows:  # settled segments only, each with both times
        seconds = float(row["start_seconds"]), float(row["end_seconds"])
        assert_times_agree(row["start"], row["end"], *seconds)


async def test_monitor_of_an_mp3_stream_that_dies_reports_what_it_heard_then_one_sentence(
    mix_library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    data, _ = mix_mp3(audio_dir)
    with scripted_server([Reply(data, int(len(data) * 0.6))]) as url:
        code, out, err = await run_cli(cli_env, "monitor", url, "--json")
    reports = lines(out)
    assert [r["track_id"] for r in reports if r["end_seconds"] is not None][:2] == [
        mix_library[FIRST],
        mix_library[SECOND],
    ]
    assert all(moment(r["started_at"]) for r in reports)
    assert code == 1
    # One sentence, and none of ffmpeg's own lines ("[http @ 0x…] Stream ends prematurely").
    [said] = err.splitlines()
    assert said.startswith(f"audio-ident: the stream from {url} broke off after ")
    assert said.endswith(": the server ended the connection early")


async def test_monitor_of_an_address_nobody_answers_says_so_with_its_own_exit_code(
    cli_env: dict[str, str],
) -> None:
    url = closed_port_url()
    code, out, err = await run_cli(cli_env, "monitor", url, "--json", "--reconnect")
    assert (code, out) == (69, "")
    assert err == f"audio-ident: cannot reach {url}: the connection was refused\n"


async def test_monitor_reconnects_after_a_drop_reports_the_gap_and_goes_on(
    mix_library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    data, seconds = mix_mp3(audio_dir)
    # The station drops after 60 % of the mix, then plays it again from the start and ends.
    replies = [Reply(data, int(len(data) * 0.6)), Reply(data)]
    with scripted_server(replies) as url:
        code, out, err = await run_cli(cli_env, "monitor", url, "--json", "--reconnect")
    assert code == 0, err
    records = lines(out)
    gaps = [r["gap"] for r in records if "gap" in r]
    assert [g["to"] is None for g in gaps] == [True, False]
    opened, closed = gaps
    assert opened["from"] == closed["from"] and moment(closed["to"]) >= moment(closed["from"])
    assert closed["after_seconds"] == pytest.approx(0.6 * seconds, abs=1.5)
    assert closed["reason"] == "the server ended the connection early"
    segments = [r for r in records if "gap" not in r]
    assert all(set(r) == FIELDS for r in segments)
    settled = [r for r in segments if r["end_seconds"] is not None]
    after = [r for r in settled if r["start_seconds"] >= closed["after_seconds"]]
    library = mix_library
    assert [r["track_id"] for r in after] == [library[FIRST], library[SECOND], None,
                                              library[FIRST]]  # fmt: skip
    # The stream's seconds run on past the drop; the wall clock past the outage too.
    assert after[-1]["end_seconds"] == pytest.approx(closed["after_seconds"] + seconds, abs=1.5)
    assert moment(after[0]["started_at"]) >= moment(closed["to"])
    assert records.index({"file": url, "gap": closed}) < records.index(after[0])


async def test_monitor_refuses_what_is_not_audio(
    mix_library: dict[int, str], cli_env: dict[str, str]
) -> None:
    result = monitor_stdin(cli_env, b"\x00\x01 definitely not audio " * 500)
    assert result.returncode == 1
    assert result.stdout == b""
    assert "not audio" in result.stderr.decode()


async def test_monitor_options_that_cannot_work_are_usage_errors(cli_env: dict[str, str]) -> None:
    code, _, err = await run_cli(cli_env, "monitor", "-", "--reconnect")
    assert code == 2 and "--reconnect needs a URL" in err
    code, _, err = await run_cli(cli_env, "monitor", "-", "--json", "--format", "csv")
    assert code == 2 and "disagree" in err


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
    mix_library: dict[int, str], cli_env: dict[str, str]
) -> None:
    short_peak, _ = peak_rss_of_monitor(cli_env, 5 * 60)
    long_peak, reports = peak_rss_of_monitor(cli_env, 2 * 3600)
    assert all(r["track_id"] is None for r in reports)
    assert reports[-1]["end_seconds"] == pytest.approx(2 * 3600, abs=1)
    # The whole input decoded at 16 kHz would be 460 MB; the growth is a few MB at most.
    assert long_peak - short_peak < 40 * 1024, (short_peak, long_peak)

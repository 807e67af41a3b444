"""What ffmpeg's network complaints mean, in words (adapters/ffmpeg/network.py); the lines
are what ffmpeg 5 prints for each failure."""

from __future__ import annotations

import pytest

from adapters.ffmpeg.network import network_reason, url_input_options

URL = "https://radio.example/live.mp3"


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (
            ["[tcp @ 0x1] Connection to tcp://127.0.0.1:1 failed: Connection refused",
             "http://127.0.0.1:1/a.mp3: Connection refused"],
            "the connection was refused",
        ),
        (
            ["[tcp @ 0x1] Failed to resolve hostname nowhere.invalid: Name or service not known",
             "http://nowhere.invalid/a.mp3: Input/output error"],
            "the host name is unknown",
        ),
        ([f"{URL}: Server returned 404 Not Found"], "the server answered 404 Not Found"),
        ([f"{URL}: Connection timed out"], "the connection timed out"),
        (
            ["[http @ 0x1] Stream ends prematurely at 480466, should be 960932",
             f"{URL}: Input/output error"],
            "the server ended the connection early",
        ),
        (
            ["[tls @ 0x1] error:0A000086:SSL routines::certificate verify failed",
             f"{URL}: Input/output error"],
            "the secure connection (TLS) failed",
        ),
        # Reached, but not audio: no network reason (the host's name has "ssl" in it).
        (["https://ssl.example/a.mp3: Invalid data found when processing input"], None),
    ],
)  # fmt: skip
def test_ffmpegs_lines_are_said_in_words(lines: list[str], reason: str | None) -> None:
    assert network_reason(lines) == reason


def test_a_url_that_stalls_times_out_in_microseconds() -> None:
    assert url_input_options(20.0) == ["-rw_timeout", "20000000"]

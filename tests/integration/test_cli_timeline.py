"""The real `audio-ident identify --timeline` command (`monitor` is in test_cli_monitor.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.audio_factory import encode, write_wav
from tests.support.cli_runner import run_cli
from tests.support.timeline_audio import FIRST, SECOND, SET, mix

FIELDS = {"file", "start_seconds", "end_seconds", "track_id", "title", "artist"} | {
    "offset_seconds",
    "speed",
    "confidence",
}


@pytest.fixture
def library(mix_library: dict[int, str]) -> dict[int, str]:
    return mix_library


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

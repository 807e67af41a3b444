"""The real `audio-ident identify --timeline` command in each of its formats, and `identify`
on files longer than a clip (`monitor` is in test_cli_monitor.py)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.audio_factory import encode, write_wav
from tests.support.cli_runner import run_cli
from tests.support.timeline_audio import DJ_SET, FIRST, SECOND, SET, mix, track

FIELDS = {"file", "start_seconds", "end_seconds", "track_id", "title", "artist"} | {
    "offset_seconds",
    "speed",
    "pitch_semitones",
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


async def test_a_key_locked_tempo_change_and_a_pitch_shift_are_each_one_segment(
    library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    """A played 6 % faster with its pitch kept, then B a semitone up: the clip lane's slope
    fit and triplets find both, each as one segment with its speed and its pitch."""
    audio, placed = mix(DJ_SET)
    mixed = encode(write_wav(audio_dir / "dj.wav", audio), audio_dir / "dj.mp3", "-b:a", "128k")
    code, out, err = await run_cli(cli_env, "identify", "--timeline", "--json", str(mixed))
    assert code == 0, err
    stretched, shifted = lines(out)
    assert (stretched["track_id"], shifted["track_id"]) == (library[FIRST], library[SECOND])
    assert stretched["speed"] == pytest.approx(1.06, abs=0.01)
    assert shifted["speed"] == pytest.approx(1.0, abs=0.01)
    # Told apart by their pitch: the key kept at 6 % faster, then a semitone up.
    assert stretched["pitch_semitones"] == pytest.approx(0.0, abs=0.2)
    assert shifted["pitch_semitones"] == pytest.approx(1.0, abs=0.2)
    # A pitch shift leaves a few aligned hashes a second: its edges are known to 2 s.
    for segment, truth in zip((stretched, shifted), placed, strict=True):
        assert segment["start_seconds"] == pytest.approx(truth.start, abs=2.0)
        assert segment["end_seconds"] == pytest.approx(truth.end, abs=2.0)
        position = segment["offset_seconds"] + truth.tempo * (
            truth.start - segment["start_seconds"]
        )
        assert position == pytest.approx(truth.offset, abs=0.25)


def cue_frames(index: str) -> int:
    """`mm:ss:ff` as a count of 1/75 s frames."""
    minutes, seconds, frames = (int(part) for part in index.split(":"))
    return (minutes * 60 + seconds) * 75 + frames


async def test_identify_timeline_exports_json_csv_and_a_cue_sheet(
    library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    audio, placed = mix(SET)
    mixed = encode(write_wav(audio_dir / "mix.wav", audio), audio_dir / "mix.mp3", "-b:a", "128k")
    outputs = {}
    for options in (["--json"], ["--format", "json"], ["--format", "csv"], ["--format", "cue"]):
        code, out, err = await run_cli(cli_env, "identify", "--timeline", *options, str(mixed))
        assert code == 0, err
        outputs[" ".join(options)] = out
    assert outputs["--json"] == outputs["--format json"]  # the alias
    segments = lines(outputs["--json"])
    assert len(segments) == 4

    table = csv.DictReader(io.StringIO(outputs["--format csv"], newline=""))
    rows = list(table)
    assert table.fieldnames == ["file", "start", "end", "title", "artist", "track_id", "offset",
                                "speed", "confidence", "pitch"]  # fmt: skip
    assert len(rows) == len(segments)
    for row, segment in zip(rows, segments, strict=True):
        assert row["file"] == str(mixed)
        assert float(row["start"]) == segment["start_seconds"]
        assert float(row["end"]) == segment["end_seconds"]
        assert row["track_id"] == (segment["track_id"] or "")
        assert row["title"] == (segment["title"] or "")
        assert row["artist"] == (segment["artist"] or "")
        if segment["track_id"]:
            assert float(row["offset"]) == segment["offset_seconds"]
            assert float(row["speed"]) == segment["speed"]
            assert float(row["confidence"]) == pytest.approx(segment["confidence"], abs=5e-5)
            pitch = segment["pitch_semitones"]
            assert row["pitch"] == ("" if pitch is None else f"{pitch:.1f}")
        else:
            assert row["offset"] == row["speed"] == row["confidence"] == row["pitch"] == ""
    assert rows[0]["artist"] == f"Band {FIRST}"

    file, *blocks = outputs["--format cue"].split("  TRACK ")
    assert file == 'FILE "mix.mp3" MP3\n'
    assert [b.splitlines()[0] for b in blocks] == [f"{k:02d} AUDIO" for k in range(1, 5)]
    expected_titles = [f"song{FIRST}", f"song{SECOND}", "Unknown", f"song{FIRST}"]
    for text, segment, piece, title in zip(blocks, segments, placed, expected_titles, strict=True):
        block = text.splitlines()[1:]
        assert block[0] == f'    TITLE "{title}"'
        performers = [line for line in block if line.startswith("    PERFORMER ")]
        artist = segment["artist"]
        assert performers == ([f'    PERFORMER "{artist}"'] if artist else [])
        [index] = [line.removeprefix("    INDEX 01 ") for line in block if "INDEX 01" in line]
        # The start to the nearest of 75 frames a second, and where the mix placed it.
        assert cue_frames(index) == round(segment["start_seconds"] * 75)
        assert cue_frames(index) / 75 == pytest.approx(piece.start, abs=1.5)


async def test_csv_and_cue_are_timeline_formats_only(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    code, _, err = await run_cli(cli_env, "identify", "--format", "cue", str(audio_dir / "x.mp3"))
    assert code == 2 and "add --timeline" in err
    code, _, err = await run_cli(cli_env, "identify", "--json", "--format", "csv", "x.mp3")
    assert code == 2 and "disagree" in err


CLIP_KEYS = {"file", "seconds", "exact_matches", "vibe_matches", "error", "lanes", "timeline"}


async def test_identify_answers_files_longer_than_a_clip_with_their_timeline(
    library: dict[int, str], cli_env: dict[str, str], audio_dir: Path
) -> None:
    audio, _ = mix(SET)  # 48 s: longer than a clip of at most 30 s, as set below
    mixed = encode(write_wav(audio_dir / "mix.wav", audio), audio_dir / "mix.mp3", "-b:a", "128k")
    song = audio_dir / f"song{FIRST}.flac"  # 40 s: the library track itself
    clip = write_wav(audio_dir / "clip.wav", track(SECOND).slice_seconds(5.0, 15.0))
    env = {**cli_env, "SEARCH_MAX_SECONDS": "30"}
    code, out, err = await run_cli(env, "identify", "--json", str(mixed), str(song), str(clip))
    assert code == 0, err
    whole_mix, whole_song, short = lines(out)
    assert [set(r) for r in (whole_mix, whole_song, short)] == [CLIP_KEYS] * 3
    # The mix: what plays when, as `identify --timeline` lists it.
    assert [s["track_id"] for s in whole_mix["timeline"]] == [library[FIRST], library[SECOND],
                                                              None, library[FIRST]]  # fmt: skip
    assert whole_mix["seconds"] == pytest.approx(audio.duration_seconds, abs=0.1)
    assert whole_mix["exact_matches"] == [] and whole_mix["error"] is None
    # The song: one answer, a timeline of one segment covering it.
    [only] = whole_song["timeline"]
    assert only["track_id"] == library[FIRST] and only["title"] == f"song{FIRST}"
    assert only["start_seconds"] < 1.0 and only["end_seconds"] > 39.0
    assert only["offset_seconds"] == pytest.approx(only["start_seconds"], abs=0.1)
    # A clip is a clip still.
    assert short["timeline"] is None and short["seconds"] == pytest.approx(10.0, abs=0.01)
    assert [m["track_id"] for m in short["exact_matches"]] == [library[SECOND]]

    code, out, _ = await run_cli(env, "identify", str(mixed), str(song))
    assert code == 0
    said = out.splitlines()
    assert said[1].startswith("  longer than a clip (0:48.")
    assert [line for line in said if "the whole file" in line] == [
        f"  exact  certain  song{FIRST} — Band {FIRST}  the whole file (0:40.0), from "
        f"0:00.{round(only['offset_seconds'] * 10)} in the track"
    ]

    code, out, _ = await run_cli(env, "identify", "--json", "--mode", "vibe", str(song))
    [refused] = lines(out)
    assert code == 1
    assert refused["error"].endswith("leave out --mode vibe for what plays in it, or cut a clip "
                                     "of at most 30 s")  # fmt: skip

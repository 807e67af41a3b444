"""The real `audio-ident ingest` command against the test database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.audio_factory import encode, synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.fixtures.integration import stored_blobs


async def _run(env: dict[str, str], *args: str) -> tuple[int, list[dict[str, object]], str]:
    code, out, err = await run_cli(env, *args)
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


async def test_json_lines_report_every_file(cli_env: dict[str, str], audio_dir: Path) -> None:
    nested = audio_dir / "album"
    nested.mkdir()
    good = write_wav(nested / "good.wav", synth_track(1, 8.0))
    mp3 = encode(write_wav(audio_dir / "other.wav", synth_track(2, 8.0)), audio_dir / "other.mp3")
    (audio_dir / "other.wav").unlink()
    (audio_dir / "broken.ogg").write_bytes(b"OggS" + bytes(100))
    (audio_dir / "readme.txt").write_text("ignored: not an audio suffix")

    code, lines, _ = await _run(cli_env, "ingest", "--json", "--recursive", str(audio_dir))

    by_path = {line["path"]: line for line in lines}
    assert set(by_path) == {str(good), str(mp3), str(audio_dir / "broken.ogg")}
    assert by_path[str(good)]["status"] == "ingested"
    assert by_path[str(mp3)]["status"] == "ingested"
    broken = by_path[str(audio_dir / "broken.ogg")]
    assert broken["status"] == "failed" and broken["track_id"] is None and broken["reason"]
    assert all(set(line) == {"path", "status", "track_id", "reason"} for line in lines)
    assert code == 1  # one file failed


async def test_without_recursive_subfolders_are_skipped(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    (audio_dir / "sub").mkdir()
    write_wav(audio_dir / "sub" / "deep.wav", synth_track(3, 8.0))
    top = write_wav(audio_dir / "top.wav", synth_track(4, 8.0))
    code, lines, _ = await _run(cli_env, "ingest", "--json", str(audio_dir))
    assert [line["path"] for line in lines] == [str(top)]
    assert code == 0


async def test_two_processes_ingesting_one_file_make_one_track(
    cli_env: dict[str, str], audio_dir: Path, engine: AsyncEngine
) -> None:
    song = write_wav(audio_dir / "song.wav", synth_track(5, 15.0))
    copy = encode(song, audio_dir / "song-copy.flac")
    results = await asyncio.gather(
        _run(cli_env, "ingest", "--json", str(song)),
        _run(cli_env, "ingest", "--json", str(copy)),
        _run(cli_env, "ingest", "--json", str(song)),
    )
    statuses = sorted(lines[0]["status"] for _, lines, _ in results)
    assert statuses == ["duplicate", "duplicate", "ingested"]
    assert len({lines[0]["track_id"] for _, lines, _ in results}) == 1
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM tracks"))).scalar_one() == 1
        assert (await conn.execute(text("SELECT count(*) FROM events"))).scalar_one() == 1


async def test_outbox_status_reports_the_head(cli_env: dict[str, str], audio_dir: Path) -> None:
    write_wav(audio_dir / "one.wav", synth_track(6, 8.0))
    await _run(cli_env, "ingest", "--json", str(audio_dir))
    code, [report], _ = await _run(cli_env, "outbox", "status", "--json")
    assert code == 0
    assert report["head"] == 1 and report["tracks"] == 1


async def test_invalid_settings_are_explained(cli_env: dict[str, str]) -> None:
    env = cli_env | {"SERVICE_PORT": "seventy", "DATABASE_URL": "mysql://x"}
    code, _, err = await _run(env, "outbox", "status")
    assert code == 2
    assert "SERVICE_PORT" in err and "DATABASE_URL" in err


async def _events(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT type FROM events ORDER BY position"))
        return [row.type for row in rows]


async def test_the_lossless_original_replaces_a_lossy_copy_ingested_first(
    cli_env: dict[str, str], audio_dir: Path, storage_root: Path, engine: AsyncEngine
) -> None:
    wav = write_wav(audio_dir / "master.wav", synth_track(21, 20.0, rate=44_100))
    lossy = encode(wav, audio_dir / "lossy.mp3", "-b:a", "96k")
    original = encode(wav, audio_dir / "original.flac")

    # One at a time, so the lossy copy is in first (with two at once, either may win the
    # race; the flac is kept either way).
    code, lines, _ = await _run(
        cli_env, "ingest", "--json", "--jobs", "1", str(lossy), str(original)
    )

    assert code == 0
    assert [(line["path"], line["status"]) for line in lines] == [
        (str(lossy), "ingested"),
        (str(original), "duplicate"),
    ]
    assert lines[1]["track_id"] == lines[0]["track_id"]
    assert lines[1]["reason"] == "replaced the kept copy: lossless"
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM tracks"))).one()
    assert (str(row.id), row.format, row.codec) == (lines[0]["track_id"], "flac", "flac")
    assert await _events(engine) == ["TrackIngested", "TrackSourceReplaced"]
    # The lossy file went once the replacement committed: one blob, the row's.
    assert [
        p.relative_to(storage_root / "blobs").as_posix() for p in stored_blobs(storage_root)
    ] == [row.storage_key]


async def test_a_copy_cut_short_is_a_duplicate_and_the_whole_recording_is_kept(
    cli_env: dict[str, str], audio_dir: Path, engine: AsyncEngine
) -> None:
    song = synth_track(22, 45.0)
    first_18 = write_wav(audio_dir / "first-18s.wav", song.slice_seconds(0.0, 18.0))
    whole = write_wav(audio_dir / "whole.wav", song)
    late_clip = write_wav(audio_dir / "clip.wav", song.slice_seconds(30.0, 36.0))

    _, short_first, _ = await _run(cli_env, "ingest", "--json", str(first_18))
    code, [later], _ = await _run(cli_env, "ingest", "--json", "--wait", str(whole))
    cut = encode(first_18, audio_dir / "cut.flac")  # other bytes: found by Chromaprint
    _, [again], _ = await _run(cli_env, "ingest", "--json", str(cut))

    track_id = short_first[0]["track_id"]
    assert code == 0
    assert (later["status"], later["track_id"], later["reason"]) == (
        "duplicate", track_id, "replaced the kept copy: longer"
    )  # fmt: skip
    assert (again["status"], again["track_id"], again["reason"]) == ("duplicate", track_id, None)
    # The index re-indexed the whole recording: a clip past the first 18 s finds the track,
    # and only it.
    _, out, _ = await run_cli(cli_env, "identify", "--json", "--mode", "exact", str(late_clip))
    assert [m["track_id"] for m in json.loads(out)["exact_matches"]] == [track_id]
    assert await _events(engine) == ["TrackIngested", "TrackSourceReplaced"]


async def test_results_go_to_stdout_one_line_each_in_the_order_given(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    folder = audio_dir / ("a-folder-with-a-long-name-" * 3)
    folder.mkdir()
    slow = write_wav(folder / "a-whole-minute.wav", synth_track(31, 60.0))
    broken = folder / "broken-file-that-is-not-audio-at-all.mp3"
    broken.write_bytes(b"not audio " * 100)
    quick = write_wav(folder / "quick.wav", synth_track(32, 4.0))

    code, out, err = await run_cli(
        cli_env, "ingest", "--jobs", "3", str(slow), str(broken), str(quick)
    )

    # Piped: no line is cut at 80 columns, though each is longer (a path, a UUID, a reason).
    lines = out.splitlines()
    assert [line.split()[:2] for line in lines] == [
        ["ingested", str(slow)],
        ["failed", str(broken)],
        ["ingested", str(quick)],
    ]
    assert all(len(line) > 80 for line in lines)
    assert "not an audio file or an unsupported format" in lines[1]
    assert err == ""  # no progress bar without a terminal
    assert code == 1

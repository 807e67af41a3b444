"""The real `audio-ident ingest` command against the test database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.audio_factory import encode, synth_track, write_wav
from tests.support.cli_runner import run_cli


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

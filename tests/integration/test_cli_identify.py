"""The real `audio-ident identify` and `search-text` commands (exact lane, vibe switched off)."""

from __future__ import annotations

import json
from pathlib import Path

from application.library.ingest_file import IngestFile
from domain.audio import PcmAudio
from entrypoints.settings import Settings
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.http_app import serve


async def _indexed(ingest: IngestFile, env: dict[str, str], path: Path, song: PcmAudio) -> str:
    """Ingest `song` at `path` and index it; its track id."""
    outcome = await ingest(write_wav(path, song))
    code, _, _ = await run_cli(env, "outbox", "replay", "--projection", "fingerprint")
    assert code == 0
    return str(outcome.track_id)


async def test_identify_finds_track_and_offset_and_explains_bad_files(
    ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path
) -> None:
    song = synth_track(7, 30.0)
    track_id = await _indexed(ingest, cli_env, audio_dir / "song.wav", song)
    clip = write_wav(audio_dir / "clip.wav", song.slice_seconds(12.0, 20.0))
    unknown = write_wav(audio_dir / "unknown.wav", synth_track(99, 8.0))
    junk = audio_dir / "junk.mp3"
    junk.write_bytes(b"not audio" * 50)

    code, out, _ = await run_cli(
        cli_env,
        "identify",
        "--json",
        str(clip),
        str(unknown),
        str(junk),
        str(audio_dir / "gone.wav"),
    )
    found, nothing, bad, missing = (json.loads(line) for line in out.splitlines())
    [match] = found["exact_matches"]
    assert match["track_id"] == track_id
    assert abs(match["offset_seconds"] - 12.0) < 0.05
    assert abs(match["speed"] - 1.0) < 0.01
    assert match["title"] == "song"
    assert 0.5 <= match["confidence"] <= 1.0
    assert found["vibe_matches"] == []
    # Both lanes by default: the vibe lane, switched off here, is reported, not an error.
    assert found["lanes"]["vibe"]["status"] == "unavailable"
    assert found["error"] is None
    assert nothing["exact_matches"] == []
    assert nothing["error"] is None
    assert bad["error"]
    assert missing["error"].startswith("cannot read file")
    assert code == 1  # two files could not be identified


async def test_every_json_record_has_the_same_keys_failed_files_too(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    clip = write_wav(audio_dir / "clip.wav", synth_track(5, 6.0))
    junk = audio_dir / "junk.mp3"
    junk.write_bytes(b"not audio" * 50)
    files = [str(clip), str(junk), str(audio_dir / "gone.wav")]
    code, out, _ = await run_cli(cli_env, "identify", "--json", *files)
    heard, bad, missing = (json.loads(line) for line in out.splitlines())
    keys = {"file", "seconds", "exact_matches", "vibe_matches", "error", "lanes", "timeline"}
    assert [set(record) for record in (heard, bad, missing)] == [keys] * 3
    assert heard["timeline"] is None and heard["seconds"] == 6.0  # a clip: no timeline
    assert heard["lanes"]["exact"]["status"] == "ok" and heard["error"] is None
    assert bad["lanes"] == missing["lanes"] == {}  # no lane ran
    assert bad["error"] and missing["error"]
    assert code == 1


async def test_a_batch_identified_several_at_once_answers_in_the_order_given(
    ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path
) -> None:
    song = synth_track(11, 40.0)
    track_id = await _indexed(ingest, cli_env, audio_dir / "batch-song.wav", song)
    starts = [24.0, 3.0, 15.0, 30.0, 9.0]
    clips = [
        str(write_wav(audio_dir / f"part-{i}.wav", song.slice_seconds(start, start + 6.0)))
        for i, start in enumerate(starts)
    ]
    code, out, _ = await run_cli(cli_env, "identify", "--json", "--jobs", "3", *clips)
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["file"] for r in records] == clips
    for record, start in zip(records, starts, strict=True):
        [match] = record["exact_matches"]
        assert match["track_id"] == track_id
        assert abs(match["offset_seconds"] - start) < 0.05
    assert code == 0


async def test_vibe_requests_say_why_the_lane_is_off(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    clip = write_wav(audio_dir / "clip.wav", synth_track(3, 5.0))
    code, out, _ = await run_cli(cli_env, "identify", "--json", "--mode", "both", str(clip))
    record = json.loads(out)
    assert record["lanes"]["vibe"]["status"] == "unavailable"
    assert "EMBEDDING_MODEL=none" in record["error"]
    assert code == 1
    code, _, err = await run_cli(cli_env, "search-text", "--json", "calm piano")
    assert code == 1
    assert "EMBEDDING_MODEL=none" in err


async def test_text_answers_show_positions_as_minutes_and_a_missing_artist_in_words(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    song = synth_track(8, 80.0)
    song_file = write_wav(audio_dir / "song.wav", song)
    assert (await run_cli(cli_env, "ingest", "--wait", str(song_file)))[0] == 0
    folder = audio_dir / "clips"
    (folder / "deeper").mkdir(parents=True)
    write_wav(folder / "a-late.wav", song.slice_seconds(72.5, 78.5))
    write_wav(folder / "deeper" / "b-start.wav", song.slice_seconds(0.0, 6.0))

    code, out, _ = await run_cli(cli_env, "identify", "--mode", "exact", "--recursive", str(folder))

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == str(folder / "a-late.wav")
    assert lines[1].startswith("  exact  ") and " song — Unknown artist  at 1:12.5  " in lines[1]
    assert lines[2] == str(folder / "deeper" / "b-start.wav")
    assert " song — Unknown artist  at 0:00.0  " in lines[3]


async def test_a_number_of_matches_outside_1_to_50_is_refused(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    clip = write_wav(audio_dir / "clip.wav", synth_track(9, 4.0))
    for top in ("0", "51"):
        code, out, err = await run_cli(cli_env, "identify", "--top", top, str(clip))
        assert (code, out) == (2, "")
        assert f"argument --top: must be between 1 and 50, not {top}" in err
    code, _, err = await run_cli(cli_env, "search-text", "--top", "0", "piano")
    assert code == 2 and "must be between 1 and 50, not 0" in err


async def test_the_cli_and_the_api_say_how_each_lane_fared_in_the_same_words(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    # The same switched-off deployment (EMBEDDING_MODEL=none), asked through both doors.
    clip = write_wav(audio_dir / "clip.wav", synth_track(4, 6.0))
    settings = Settings.from_env(cli_env)
    async with serve(settings, []) as client:
        for mode in (None, "exact"):
            form = {} if mode is None else {"mode": mode}
            with clip.open("rb") as audio:
                answer = await client.post(
                    "/api/v1/search", files={"audio": ("clip.wav", audio)}, data=form
                )
            assert answer.status_code == 200, answer.text
            api_lanes = answer.json()["lanes"]
            asked = [] if mode is None else ["--mode", mode]
            code, out, _ = await run_cli(cli_env, "identify", "--json", *asked, str(clip))
            cli_lanes = json.loads(out)["lanes"]
            assert code == 0
            for lanes in (api_lanes, cli_lanes):
                for lane in lanes.values():
                    lane.pop("duration_ms")
            assert cli_lanes == api_lanes
            # Every lane that gave nothing says why, in the API's vocabulary.
            assert all(lane["reason"] for lane in cli_lanes.values() if lane["status"] != "ok")
    assert api_lanes["vibe"]["status"] == "skipped"  # mode exact: not asked for

"""The real `audio-ident tracks` and `users` commands against the test database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli


async def _ingest(env: dict[str, str], *paths: Path) -> list[str]:
    code, out, _ = await run_cli(env, "ingest", "--json", *map(str, paths))
    assert code == 0, out
    return [json.loads(line)["track_id"] for line in out.splitlines()]


async def test_tracks_are_listed_shown_renamed_exported_and_deleted(
    cli_env: dict[str, str], audio_dir: Path
) -> None:
    first, second = await _ingest(
        cli_env,
        write_wav(audio_dir / "Alpha.wav", synth_track(41, 8.0)),
        write_wav(audio_dir / "Beta.wav", synth_track(42, 8.0)),
    )

    code, out, _ = await run_cli(cli_env, "tracks", "list", "--json", "--sort", "title")
    page = json.loads(out)
    assert code == 0
    assert [t["title"] for t in page["items"]] == ["Alpha", "Beta"]
    assert (page["total"], page["page"], page["page_size"]) == (2, 1, 20)
    _, out, _ = await run_cli(
        cli_env, "tracks", "list", "--json", "--page-size", "1", "--page", "2", "--sort", "title"
    )
    assert [t["id"] for t in json.loads(out)["items"]] == [second]
    _, out, err = await run_cli(cli_env, "tracks", "list", "-q", "alp")
    assert out.splitlines() == [f"{first}  Alpha — Unknown artist  0:08"]
    assert err.strip() == "page 1 of 1, 1 track"

    code, out, _ = await run_cli(
        cli_env, "tracks", "edit", first, "--title", "Dawn Chorus", "--artist", "The Larks"
    )
    assert (code, out.strip()) == (0, f"{first}  Dawn Chorus — The Larks  0:08")
    _, out, _ = await run_cli(cli_env, "tracks", "show", first, "--json")
    shown = json.loads(out)
    assert (shown["title"], shown["artist"]) == ("Dawn Chorus", "The Larks")
    assert shown["technical"]["original_filename"] == "Alpha.wav"
    assert shown["projections"] == {"fingerprint": "pending"}  # no worker ran; vibe off
    _, out, _ = await run_cli(cli_env, "tracks", "show", first)
    assert "title              Dawn Chorus" in out.splitlines()

    _, out, _ = await run_cli(cli_env, "tracks", "export")
    rows = list(csv.DictReader(io.StringIO(out)))  # oldest first: both came in one batch
    assert sorted((r["id"], r["title"], r["artist"]) for r in rows) == sorted(
        [(first, "Dawn Chorus", "The Larks"), (second, "Beta", "")]
    )
    _, out, _ = await run_cli(cli_env, "tracks", "export", "--format", "json")
    exported = {t["id"]: t for t in json.loads(out)}
    assert exported.keys() == {first, second}
    assert exported[second]["artist"] is None and exported[first]["format"] == "wav"

    missing = "00000000-0000-0000-0000-000000000000"
    code, out, err = await run_cli(cli_env, "tracks", "delete", second, missing)
    assert code == 1
    assert out.strip() == f"deleted {second}  Beta — Unknown artist  0:08"
    assert err.strip() == f"audio-ident: no track with id {missing}"
    _, out, _ = await run_cli(cli_env, "tracks", "list", "--json")
    assert [t["id"] for t in json.loads(out)["items"]] == [first]


async def test_track_commands_refuse_bad_arguments_in_a_sentence(
    cli_env: dict[str, str],
) -> None:
    code, _, err = await run_cli(cli_env, "tracks", "list", "--page-size", "500")
    assert code == 2 and "must be between 1 and 100, not 500" in err
    code, _, err = await run_cli(
        cli_env, "tracks", "edit", "00000000-0000-0000-0000-000000000000", "--title", "x"
    )
    assert (code, err.strip()) == (
        1,
        "audio-ident: no track with id 00000000-0000-0000-0000-000000000000",
    )


async def test_accounts_are_listed_given_new_passwords_and_deleted(
    cli_env: dict[str, str],
) -> None:
    code, out, _ = await run_cli(
        cli_env, "users", "create", "Alice", "--admin", "--password-stdin", stdin=b"first-pass\n"
    )
    assert code == 0 and out.startswith("created admin alice (")
    await run_cli(cli_env, "users", "create", "bob", "--password-stdin", stdin=b"bobs-pass\n")

    _, out, _ = await run_cli(cli_env, "users", "list", "--json")
    assert [(u["username"], u["role"]) for u in map(json.loads, out.splitlines())] == [
        ("alice", "admin"),
        ("bob", "user"),
    ]
    code, out, _ = await run_cli(
        cli_env, "users", "passwd", "alice", "--password-stdin", stdin=b"second-pass\n"
    )
    assert (code, out.strip()) == (0, "new password set for alice")
    code, _, err = await run_cli(
        cli_env, "users", "passwd", "alice", "--password-stdin", stdin=b"short\n"
    )
    assert (code, err.strip()) == (1, "audio-ident: a password needs at least 8 characters")
    code, out, _ = await run_cli(cli_env, "users", "delete", "ALICE")
    assert (code, out.strip()) == (0, "deleted admin alice")
    code, _, err = await run_cli(cli_env, "users", "delete", "alice")
    assert (code, err.strip()) == (1, "audio-ident: no account named 'alice'")
    _, out, _ = await run_cli(cli_env, "users", "list")
    assert [line.split()[:2] for line in out.splitlines()] == [["bob", "user"]]


async def test_a_password_without_a_terminal_must_come_from_stdin(
    cli_env: dict[str, str],
) -> None:
    for action in ("create", "passwd"):
        code, out, err = await run_cli(cli_env, "users", action, "carol", stdin=b"")
        assert code == 1 and out == ""
        assert err.strip() == (
            "audio-ident: no terminal to ask for the password on: pipe it in with --password-stdin"
        )

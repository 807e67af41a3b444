"""How the real `audio-ident` command fails: an expected error in one line with its exit
code, a bug with its traceback and an exit code of its own."""

from __future__ import annotations

from pathlib import Path

from entrypoints.cli.main import INTERNAL_ERROR
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli, run_cli_after

BROKEN_COMMAND = """
import entrypoints.cli.main as cli

async def broken(args, settings):
    raise RuntimeError("an unexpected state")

cli._migrate = broken
"""


async def test_a_bug_shows_its_traceback_and_exits_apart(cli_env: dict[str, str]) -> None:
    # A RuntimeError was once taken for an expected failure: one line, exit 2, no traceback.
    code, _, err = await run_cli_after(cli_env, BROKEN_COMMAND, "migrate")
    assert code == INTERNAL_ERROR != 2
    assert "Traceback" in err and "an unexpected state" in err
    assert "internal error: RuntimeError: an unexpected state" in err


async def test_a_missing_ffmpeg_is_said_in_one_line(
    cli_env: dict[str, str], audio_dir: Path, tmp_path: Path
) -> None:
    clip = write_wav(audio_dir / "clip.wav", synth_track(5, 4.0))
    no_tools = tmp_path / "empty-bin"
    no_tools.mkdir()
    code, _, err = await run_cli(cli_env | {"PATH": str(no_tools)}, "identify", str(clip))
    assert code == 2
    assert err.strip().splitlines() == [
        "audio-ident: ffmpeg not found on PATH: install ffmpeg 5 or newer"
    ]

"""The default CLAP model on a machine that has never downloaded it and cannot: said at
once, in one sentence that says what to do, instead of half a minute of retries and the
hub client's own exception printed twice."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from adapters.clap.hub import why_downloads_cannot_work
from entrypoints.settings import DEFAULT_EMBEDDING_MODEL
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli

ADVICE = (
    "set EMBEDDING_MODEL to a directory holding a copy of the model, or to none to switch "
    "the vibe lane off"
)


@pytest.fixture(params=["no network", "HF_HUB_OFFLINE"])
def without_the_model(
    request: pytest.FixtureRequest, cli_env: dict[str, str], tmp_path: Path
) -> dict[str, str]:
    """The real default model id, an empty model cache, and no way to download it."""
    env = {k: v for k, v in cli_env.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    env.update(EMBEDDING_MODEL=DEFAULT_EMBEDDING_MODEL, HF_HOME=str(tmp_path / "hf-cache"))
    if request.param == "HF_HUB_OFFLINE":
        env["HF_HUB_OFFLINE"] = "1"
    elif why_downloads_cannot_work() is None:
        pytest.skip("huggingface.co is reachable here: this case is about a machine without")
    return env


async def test_a_model_that_cannot_be_had_is_said_at_once_in_one_sentence(
    without_the_model: dict[str, str], audio_dir: Path
) -> None:
    started = time.monotonic()
    code, out, err = await run_cli(without_the_model, "search-text", "calm piano")
    seconds = time.monotonic() - started
    assert code == 1
    [line] = err.splitlines()  # once, not twice
    assert line.startswith(
        "audio-ident: the vibe lane is unavailable: the CLAP model "
        f"'{DEFAULT_EMBEDDING_MODEL}' is not on this machine and "
    ), err
    assert line.endswith(ADVICE)
    assert "Retrying" not in err
    # It took 38 s (five retries of the hub, then transformers' own message); loose enough
    # for two shared cores, most of it starting Python.
    assert seconds < 10, f"took {seconds:.1f} s"

    # identify's default (both lanes) reports the lane with the same sentence, not an error.
    clip = write_wav(audio_dir / "clip.wav", synth_track(2, 5.0))
    code, out, err = await run_cli(without_the_model, "identify", "--json", str(clip))
    record = json.loads(out)
    assert (code, record["error"]) == (0, None)
    assert record["lanes"]["vibe"]["status"] == "unavailable"
    assert record["lanes"]["vibe"]["reason"] == line.removeprefix("audio-ident: ")
    assert err == ""

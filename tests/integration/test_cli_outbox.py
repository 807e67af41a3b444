"""The real `audio-ident outbox` commands against the test database."""

from __future__ import annotations

import json
from pathlib import Path

from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from application.library.ingest_file import IngestFile
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli


async def _library(ingest: IngestFile, audio_dir: Path, count: int) -> list[str]:
    ids = []
    for seed in range(count):
        outcome = await ingest(write_wav(audio_dir / f"s{seed}.wav", synth_track(seed, 12.0)))
        ids.append(str(outcome.track_id))
    return ids


async def test_status_replay_verify_and_retry(
    ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path, storage_root: Path
) -> None:
    ids = await _library(ingest, audio_dir, 3)

    code, out, _ = await run_cli(cli_env, "outbox", "status", "--json")
    status = json.loads(out)
    fingerprint = next(p for p in status["projections"] if p["projection"] == "fingerprint")
    assert code == 0
    assert (status["head"], status["tracks"]) == (3, 3)
    assert fingerprint["lag_events"] == 3
    assert fingerprint["lag_seconds"] >= 0
    assert status["parked_events"] == []
    # EMBEDDING_MODEL=none here: nothing is meant to apply the embedding projection, so it
    # is said to be switched off and has no lag (it used to grow forever).
    embedding = next(p for p in status["projections"] if p["projection"] == "embedding")
    assert not fingerprint["switched_off"]
    assert embedding["switched_off"]
    assert (embedding["lag_events"], embedding["lag_seconds"]) == (None, None)
    code, out, _ = await run_cli(cli_env, "outbox", "status")
    assert code == 0
    assert "switched off" in out

    code, _, _ = await run_cli(cli_env, "outbox", "replay", "--projection", "fingerprint")
    assert code == 0
    code, _, _ = await run_cli(
        cli_env, "outbox", "replay", "--projection", "fingerprint", "--from-scratch"
    )
    assert code == 2  # no terminal to confirm on, and no --yes
    code, _, _ = await run_cli(
        cli_env, "outbox", "replay", "--projection", "fingerprint", "--from-scratch", "--yes"
    )
    assert code == 0
    lmdb = storage_root / "lmdb"
    assert (lmdb / "CURRENT").exists()  # the rebuild went to a new generation
    assert {str(t) for t in await LmdbFingerprintIndex(lmdb, readonly=True).track_counts()} == set(
        ids
    )

    code, out, _ = await run_cli(cli_env, "outbox", "verify", "--json")
    assert code == 0
    assert json.loads(out)["drift"] == []

    code, _, _ = await run_cli(cli_env, "outbox", "retry")
    assert code == 0  # nothing parked: nothing to do
    code, _, _ = await run_cli(cli_env, "outbox", "retry", "--event", "99")
    assert code == 1


async def test_replaying_the_embedding_lane_without_a_model_is_refused(
    ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path
) -> None:
    await _library(ingest, audio_dir, 1)
    code, _, _ = await run_cli(
        cli_env, "outbox", "replay", "--projection", "all", "--from-scratch", "--yes"
    )
    assert code == 1  # EMBEDDING_MODEL=none here: it says why instead of half-doing it

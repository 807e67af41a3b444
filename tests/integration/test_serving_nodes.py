"""Three `serve` nodes on one database, each with its own data root and LMDB index, sharing
the folder of stored audio: a track ingested through any node is answered by every node
within a bound; a node killed with SIGKILL and started again is ready only once it has
caught up, and then answers what was ingested while it was down; a fourth node started
empty replays the log from the start, and a fifth started on a copy of the fourth's index
resumes where that copy ends; `outbox status` lists every node's copy."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.audio import PcmAudio
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.serve_process import admin_token, spawn_serve

ANSWER_BOUND_SECONDS = 20.0  # from the ingest's answer to every node finding the track


def _node_env(database_url: str, tmp_path: Path, node: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QDRANT_"))}
    env.update(
        DATABASE_URL=database_url,
        NODE_ID=node,
        AUDIO_STORAGE_ROOT=str(tmp_path / f"node-{node}"),  # its own LMDB index, its own lock
        AUDIO_FILES_PATH=str(tmp_path / "shared-audio"),  # what every node mounts
        EMBEDDING_MODEL="none",
        JWT_SECRET="a-test-secret-that-is-long-enough-for-hs256",  # one for the deployment
    )
    return env


def _clip(folder: Path, seed: int) -> Path:
    whole = synth_track(seed, 30.0)
    part = PcmAudio(
        whole.samples[5 * whole.sample_rate : 11 * whole.sample_rate], whole.sample_rate
    )
    return write_wav(folder / f"clip{seed}.wav", part)


async def _ingest(url: str, token: str, folder: Path, seeds: list[int]) -> list[str]:
    paths = [write_wav(folder / f"t{seed}.wav", synth_track(seed, 30.0)) for seed in seeds]
    form = [("audio", (p.name, p.read_bytes())) for p in paths]
    async with httpx.AsyncClient(timeout=120) as client:
        answer = await client.post(
            f"{url}/api/v1/ingest", files=form, headers={"Authorization": f"Bearer {token}"}
        )
    assert answer.status_code == 201, answer.text
    files = answer.json()["files"]
    assert [f["status"] for f in files] == ["ingested"] * len(seeds), files
    return [f["track_id"] for f in files]


async def _found(client: httpx.AsyncClient, url: str, clip: Path) -> str | None:
    answer = await client.post(
        f"{url}/api/v1/search",
        files=[("audio", (clip.name, clip.read_bytes()))],
        data={"mode": "exact"},
    )
    assert answer.status_code == 200, answer.text
    matches = answer.json()["exact_matches"]
    return matches[0]["track"]["id"] if matches else None


async def _seconds_until_every_node_answers(
    urls: list[str], clips: dict[str, Path], started: float
) -> list[float]:
    """For each node, how long after `started` it found every clip's track."""
    took = []
    async with httpx.AsyncClient(timeout=30) as client:
        for url in urls:
            pending = dict(clips)
            while pending:
                assert time.monotonic() - started < ANSWER_BOUND_SECONDS, (url, pending)
                for track_id, clip in list(pending.items()):
                    if await _found(client, url, clip) == track_id:
                        del pending[track_id]
                await asyncio.sleep(0.1)
            took.append(round(time.monotonic() - started, 2))
    return took


async def test_three_nodes_each_follow_the_log_into_their_own_index(
    database_url: str, engine: AsyncEngine, tmp_path: Path
) -> None:
    audio = tmp_path / "audio"
    audio.mkdir()
    envs = {node: _node_env(database_url, tmp_path, node) for node in ("a", "b", "c", "d")}
    with ExitStack() as nodes:
        urls = {
            node: nodes.enter_context(spawn_serve(envs[node], tmp_path, f"{node}.log"))[0]
            for node in ("a", "b")
        }
        c_stack = ExitStack()
        c_url, c_process = c_stack.enter_context(spawn_serve(envs["c"], tmp_path, "c.log"))
        token = await admin_token(urls["a"], engine)

        # Ingest through node b: every node, each from its own index, finds the tracks.
        started = time.monotonic()
        first = await _ingest(urls["b"], token, audio, [301, 302])
        clips = {track: _clip(audio, seed) for track, seed in zip(first, [301, 302], strict=True)}
        took = await _seconds_until_every_node_answers(
            [urls["a"], urls["b"], c_url], clips, started
        )
        print(f"\nseconds from ingest to answers on nodes a, b, c: {took}")

        # kill -9 node c; ingest through node a while it is down; its restart catches up.
        c_process.send_signal(signal.SIGKILL)
        c_process.wait(timeout=30)
        c_stack.close()
        second = await _ingest(urls["a"], token, audio, [303])
        late = {second[0]: _clip(audio, 303)}
        restarted = time.monotonic()
        with spawn_serve(envs["c"], tmp_path, "c-again.log") as (c_url, _):
            # Ready means caught up: it answers at once, with no wait after readiness.
            async with httpx.AsyncClient(timeout=30) as client:
                assert await _found(client, c_url, late[second[0]]) == second[0]
                assert await _found(client, c_url, clips[first[0]]) == first[0]
            print(f"node c restarted and caught up in {time.monotonic() - restarted:.2f} s")

            # A fourth node starts with an empty index: it replays the log from position 0.
            with spawn_serve(envs["d"], tmp_path, "d.log") as (d_url, _):
                async with httpx.AsyncClient(timeout=30) as client:
                    for track_id, clip in {**clips, **late}.items():
                        assert await _found(client, d_url, clip) == track_id
                    ready = (await client.get(f"{d_url}/health/ready")).json()
                assert ready["node"] == "d" and ready["checks"]["fingerprint_lag"]["status"] == "ok"
                assert ready["projections"]["fingerprint"]["lag_events"] == 0

                code, out, err = await run_cli(envs["a"], "outbox", "status", "--json")
                assert code == 0, err
                report = json.loads(out)
                copies = {
                    row["node"]: (row["checkpoint"], row["this_node"])
                    for row in report["projections"]
                    if row["projection"] == "fingerprint"
                }
                head = report["head"]
                assert copies == {
                    "a": (head, True),
                    "b": (head, False),
                    "c": (head, False),
                    "d": (head, False),
                }

            # `outbox replay` run on node a reaches node b, which rebuilds its own index
            # while it serves; node d, stopped, gets the request for when it starts.
            rebuild = ("outbox", "replay", "--projection", "fingerprint", "--from-scratch", "--yes")
            code, _, err = await run_cli(envs["a"], *rebuild, "--node", "b")
            assert code == 0 and f"fingerprint@b: rebuilt up to event {head}" in err, err
            code, _, err = await run_cli(envs["a"], *rebuild, "--node", "d")
            assert code == 0 and "fingerprint@d: node d is not running" in err, err
            async with httpx.AsyncClient(timeout=30) as client:
                assert await _found(client, urls["b"], late[second[0]]) == second[0]

            # A fifth node starts on a copy of node d's index (d stopped): the index says
            # which event it holds the log up to, and node e resumes there, replaying nothing.
            shutil.copytree(tmp_path / "node-d" / "lmdb", tmp_path / "node-e" / "lmdb")
            e_env = _node_env(database_url, tmp_path, "e")
            with spawn_serve(e_env, tmp_path, "e.log") as (e_url, _):
                async with httpx.AsyncClient(timeout=30) as client:
                    for track_id, clip in {**clips, **late}.items():
                        assert await _found(client, e_url, clip) == track_id
            log = (tmp_path / "e.log").read_text()
            assert f"fingerprint@e: resuming at event {head}" in log
            code, out, _ = await run_cli(e_env, "outbox", "verify", "--json")
            assert code == 0 and json.loads(out)["drift"] == [], out

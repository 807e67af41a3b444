"""Polite clients against a real `serve` on loopback, one CPU job at a time and a queue of
one: a crowd of clients, each sending searches over a connection per try and retrying a
503 after its Retry-After (at most 10 tries). Every search is answered, and every refusal
is read: no broken pipe, no reset (issue 22: the 503 was sent before the upload was read,
and closing the connection reset it under a client still sending)."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.audio_factory import synth_track, write_wav
from tests.support.serve_process import spawn_serve

CLIENTS, SEARCHES, MAX_TRIES = 16, 2, 10


@dataclass
class Tally:
    answered: int = 0
    gave_up: int = 0
    refusals: int = 0
    other: list[int] = field(default_factory=list)  # statuses other than 200 and 503
    transport: list[str] = field(default_factory=list)  # broken pipes, resets
    told: list[int] = field(default_factory=list)  # Retry-After values


@pytest.fixture
def small_server(
    serve_env: dict[str, str], tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    env = {**serve_env, "CPU_JOBS": "1", "CPU_QUEUE": "1"}
    with spawn_serve(env, tmp_path) as running:
        yield running


async def _search(url: str, body: bytes, tally: Tally) -> None:
    for _ in range(MAX_TRIES):
        try:
            async with httpx.AsyncClient(base_url=url, timeout=60) as client:
                answer = await client.post(
                    "/api/v1/search",
                    files=[("audio", ("clip.wav", body))],
                    data={"mode": "exact"},
                    headers={"Connection": "close"},  # a connection per try, as urllib does
                )
        except httpx.TransportError as error:
            tally.transport.append(repr(error))
            await asyncio.sleep(1)
            continue
        if answer.status_code == 200:
            tally.answered += 1
            return
        if answer.status_code != 503:
            tally.other.append(answer.status_code)
            return
        assert answer.json()["error"]["code"] == "OVERLOADED"
        tally.refusals += 1
        tally.told.append(int(answer.headers["retry-after"]))
        await asyncio.sleep(tally.told[-1])
    tally.gave_up += 1


async def test_polite_clients_all_get_answers_and_read_every_refusal(
    small_server: tuple[str, subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    url, _ = small_server
    # 12 s at 44.1 kHz (about 1 MB): still being sent when an early refusal would come.
    clip = write_wav(tmp_path / "clip.wav", synth_track(5, 12.0, 44_100))
    body = clip.read_bytes()
    assert len(body) > 1_000_000
    tally = Tally()

    async def client() -> None:
        for _ in range(SEARCHES):
            await _search(url, body, tally)

    await asyncio.wait_for(asyncio.gather(*(client() for _ in range(CLIENTS))), timeout=240)

    assert tally.transport == []  # every answer was read: no broken pipe, no reset
    assert tally.other == []
    assert (tally.answered, tally.gave_up) == (CLIENTS * SEARCHES, 0)
    assert tally.refusals > 0  # the crowd was more than one job and a queue of one
    assert len(set(tally.told)) > 1, tally.told  # turns spread, not one second for all
    async with httpx.AsyncClient(base_url=url) as probe:
        assert (await probe.get("/health")).status_code == 200

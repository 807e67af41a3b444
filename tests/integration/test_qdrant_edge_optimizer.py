"""The HNSW build runs in a child process: the event loop keeps turning meanwhile."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import qdrant_edge as qe

from adapters.qdrant_edge.optimizer import optimize_in_child


def _shard_with_points(directory: Path, points: int) -> qe.EdgeShard:
    config = qe.EdgeConfig(vectors=qe.EdgeVectorParams(size=64, distance=qe.Distance.Cosine))
    shard = qe.EdgeShard.create(str(directory), config)
    vectors = np.random.default_rng(0).standard_normal((points, 64)).astype(np.float32)
    shard.update(
        qe.UpdateOperation.upsert_points(
            [qe.Point(str(uuid.uuid4()), v.tolist(), {"i": i}) for i, v in enumerate(vectors)]
        )
    )
    return shard


async def test_the_child_optimizes_while_the_loop_keeps_turning(tmp_path: Path) -> None:
    shard = _shard_with_points(tmp_path / "s", 2_000)
    shard.flush()
    shard.close()
    gaps: list[float] = []

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = asyncio.create_task(tick())
    await optimize_in_child(tmp_path / "s")
    ticker.cancel()

    assert gaps
    assert max(gaps) < 0.5
    reopened = qe.EdgeShard.load(str(tmp_path / "s"))
    assert reopened.count(qe.CountRequest(exact=True)) == 2_000
    reopened.close()


async def test_a_shard_still_held_here_is_refused_with_the_reason(tmp_path: Path) -> None:
    held = _shard_with_points(tmp_path / "s", 10)

    with pytest.raises(RuntimeError, match="WouldBlock"):
        await optimize_in_child(tmp_path / "s")
    held.close()


async def test_a_missing_shard_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="optimizing the vector index"):
        await optimize_in_child(tmp_path / "nothing-here")

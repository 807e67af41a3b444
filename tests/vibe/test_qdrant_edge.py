"""What only the embedded engine has: a directory, a lock, and a manual optimizer."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from uuid import uuid4

import numpy as np
import pytest

from adapters.qdrant_edge.shard import EdgeIndexLocked
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from domain.embedding import ChunkEmbeddings
from domain.errors import LaneUnavailable


def _chunks(rows: int, seed: int = 0, dim: int = 8) -> ChunkEmbeddings:
    vectors = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return ChunkEmbeddings(vectors, np.arange(rows, dtype=np.float32) * 5, "m")


async def test_points_survive_a_restart(tmp_path: Path) -> None:
    track = uuid4()
    first = QdrantEdgeIndex(tmp_path / "q")
    await first.upsert(track, _chunks(3))
    await first.close()

    second = QdrantEdgeIndex(tmp_path / "q", search_threads=1)
    try:
        assert await second.chunk_count(track) == 3
        assert (await second.search(_chunks(3).vectors[1], 1))[0].chunk_index == 1
    finally:
        await second.close()


async def test_a_second_holder_gets_a_clear_error_at_once(tmp_path: Path) -> None:
    owner = QdrantEdgeIndex(tmp_path / "q")
    await owner.upsert(uuid4(), _chunks(2))
    intruder = QdrantEdgeIndex(tmp_path / "q")

    started = time.monotonic()
    with pytest.raises(EdgeIndexLocked, match="open in another process") as raised:
        await intruder.search(_chunks(1).vectors[0], 3)

    assert time.monotonic() - started < 5
    assert isinstance(raised.value, LaneUnavailable)
    await owner.close()


def test_another_process_is_refused_while_one_holds_it(tmp_path: Path) -> None:
    script = (
        "import asyncio, sys, numpy as np\n"
        "from uuid import uuid4\n"
        "from pathlib import Path\n"
        "from adapters.qdrant_edge.vector_index import QdrantEdgeIndex\n"
        "from domain.embedding import ChunkEmbeddings\n"
        "async def main():\n"
        "    index = QdrantEdgeIndex(Path(sys.argv[1]))\n"
        "    v = np.eye(4, dtype=np.float32)\n"
        "    await index.upsert(uuid4(), ChunkEmbeddings(v, np.zeros(4, np.float32), 'm'))\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.readline()\n"
        "asyncio.run(main())\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "q")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(EdgeIndexLocked):
            asyncio.run(QdrantEdgeIndex(tmp_path / "q").chunk_count(uuid4()))
    finally:
        holder.communicate("\n", timeout=30)


async def test_optimize_builds_the_index_and_search_still_answers(tmp_path: Path) -> None:
    index = QdrantEdgeIndex(tmp_path / "q", optimize_every=50)
    tracks = [uuid4() for _ in range(30)]
    for seed, track in enumerate(tracks):
        await index.upsert(track, _chunks(4, seed))

    await index.optimize()

    hits = await index.search(_chunks(4, 7).vectors[1], 3)
    assert (hits[0].track_id, hits[0].chunk_index) == (tracks[7], 1)
    await index.close()

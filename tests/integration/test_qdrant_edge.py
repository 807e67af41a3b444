"""What only the embedded engine has: a directory, a lock, and a manual optimizer."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID, uuid4

import numpy as np
import pytest
import qdrant_edge as qe

from adapters.filesystem.generations import copy_generation, current_directory
from adapters.qdrant_edge import lifecycle
from adapters.qdrant_edge.optimizer import optimize_in_child
from adapters.qdrant_edge.shard import EdgeIndexBusy, EdgeIndexLocked
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from domain.errors import LaneUnavailable
from domain.vibe.embedding import ChunkEmbeddings
from tests.support.small_disk import small_disk


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
        "from domain.vibe.embedding import ChunkEmbeddings\n"
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


async def test_building_the_graph_keeps_search_answering(tmp_path: Path) -> None:
    index = QdrantEdgeIndex(tmp_path / "q", optimize_every=50)
    tracks = [uuid4() for _ in range(30)]
    for seed, track in enumerate(tracks):
        await index.upsert(track, _chunks(4, seed))

    await index.shards.build_graph()

    hits = await index.search(_chunks(4, 7).vectors[1], 3)
    assert (hits[0].track_id, hits[0].chunk_index) == (tracks[7], 1)
    await index.close()


def _generations(base: Path) -> list[str]:
    return sorted(p.name for p in base.iterdir() if p.name.startswith("generation-"))


async def test_a_rebuilt_index_survives_a_restart(tmp_path: Path) -> None:
    base = tmp_path / "q"
    old, new = uuid4(), uuid4()
    first = QdrantEdgeIndex(base)
    await first.upsert(old, _chunks(3))
    await first.begin_rebuild()
    await first.upsert(new, _chunks(2, seed=1))
    await first.finish_rebuild()
    await first.close()

    assert not (base / "edge_config.json").exists()  # the first generation's files are gone
    [generation] = _generations(base)
    assert (base / "CURRENT").read_text() == generation
    second = QdrantEdgeIndex(base)
    try:
        assert await second.track_counts() == {new: 2}
        assert (await second.search(_chunks(2, seed=1).vectors[1], 1))[0].track_id == new
        await second.begin_rebuild()  # a second rebuild replaces a named generation
        await second.upsert(old, _chunks(1))
        await second.finish_rebuild()
        assert await second.track_counts() == {old: 1}
        assert _generations(base) != [generation] and len(_generations(base)) == 1
    finally:
        await second.close()


async def test_a_crashed_rebuild_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    base = tmp_path / "q"
    crashed = QdrantEdgeIndex(base)
    await crashed.upsert(uuid4(), _chunks(1))
    await crashed.begin_rebuild()
    await crashed.upsert(uuid4(), _chunks(2))
    (building,) = _generations(base)
    # As if the process died mid-rebuild: the half-built shard is released, not deleted.
    half_built = crashed.shards._building  # pyright: ignore[reportPrivateUsage]
    assert half_built is not None
    await half_built.close()
    crashed.shards._building = None  # pyright: ignore[reportPrivateUsage]
    await crashed.close()

    owner = QdrantEdgeIndex(base)
    try:
        await owner.begin_rebuild()
        assert building not in _generations(base)
        await owner.abort_rebuild()
        assert _generations(base) == []
        assert len(await owner.track_counts()) == 1
    finally:
        await owner.close()


async def test_only_the_owner_may_rebuild_or_pass_the_check(tmp_path: Path) -> None:
    owner = QdrantEdgeIndex(tmp_path / "q")
    await owner.upsert(uuid4(), _chunks(2))
    intruder = QdrantEdgeIndex(tmp_path / "q")
    try:
        with pytest.raises(EdgeIndexLocked):
            await intruder.begin_rebuild()
        with pytest.raises(EdgeIndexLocked):
            await intruder.check()
        assert _generations(tmp_path / "q") == []
        await owner.check()
    finally:
        await owner.close()


async def test_a_search_running_during_the_swap_finishes_on_the_old_shard(tmp_path: Path) -> None:
    index = QdrantEdgeIndex(tmp_path / "q")
    old, new = uuid4(), uuid4()
    await index.upsert(old, _chunks(4))
    await index.begin_rebuild()
    await index.upsert(new, _chunks(4, seed=3))
    searches = [asyncio.create_task(index.search(_chunks(4).vectors[0], 1)) for _ in range(8)]
    await asyncio.sleep(0)  # let them start on the live shard
    await index.finish_rebuild()
    found = {hit.track_id for task in searches for hit in await task}
    assert found <= {old, new} and found
    assert await index.track_counts() == {new: 4}
    await index.close()


# The engine indexes a segment only past 10 MB of vectors: 700 x 4096-d is just over, and
# its graph takes about a second to build, the GIL held all along.
WIDE = 4096


async def _fill_wide(index: QdrantEdgeIndex, tracks: int = 7) -> list[UUID]:
    ids = [uuid4() for _ in range(tracks)]
    for seed, track in enumerate(ids):
        await index.upsert(track, _chunks(100, seed, WIDE))
    return ids


def _indexed_vectors(base: Path) -> int:
    shard = qe.EdgeShard.load(str(current_directory(base)))
    try:
        return shard.info().indexed_vectors_count
    finally:
        shard.close()


@asynccontextmanager
async def _ticking() -> AsyncIterator[list[float]]:
    """The longest the event loop went without turning while the block ran."""
    longest = [0.0]

    async def tick() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.05)
            now = time.monotonic()
            longest[0] = max(longest[0], now - last)
            last = now

    ticker = asyncio.create_task(tick())
    try:
        yield longest
    finally:
        ticker.cancel()


async def test_the_automatic_build_runs_in_a_child_while_searches_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "q"
    index = QdrantEdgeIndex(base, optimize_every=700)
    building = asyncio.Event()

    async def watched(directory: Path) -> None:
        building.set()
        try:
            await optimize_in_child(directory)
        finally:
            building.clear()

    monkeypatch.setattr(lifecycle, "optimize_in_child", watched)
    query = _chunks(100, 3, WIDE).vectors[5]
    answered_during_build: list[bool] = []

    async def search_meanwhile() -> None:
        while True:
            hits = await index.search(query, 1)
            if building.is_set():
                answered_during_build.append(hits[0].chunk_index == 5)
            await asyncio.sleep(0.02)

    tracks = await _fill_wide(index, tracks=6)
    searcher = asyncio.create_task(search_meanwhile())
    async with _ticking() as longest:
        tracks += await _fill_wide(index, tracks=1)  # the 700th point: the graph is built
    searcher.cancel()

    assert longest[0] < 0.5  # built in this process, the loop would stop for the whole build
    assert answered_during_build and all(answered_during_build)
    hits = await index.search(query, 3)
    assert (hits[0].track_id, hits[0].chunk_index) == (tracks[3], 5)
    assert hits[0].similarity == pytest.approx(1.0, abs=1e-4)
    assert await index.chunk_count(tracks[6]) == 100
    await index.close()
    assert _indexed_vectors(base) == 700


async def test_a_build_pauses_searches_only_for_its_copy_and_writes_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "q"
    # The wait must outlast the copy and the reopen of the shard on a loaded CI machine
    # (0.3 s did not, once), yet stay short enough to tell "waited, then refused" apart.
    index = QdrantEdgeIndex(base, offline_wait=1.0)
    track, late = uuid4(), uuid4()
    await index.upsert(track, _chunks(4))
    copying, release = threading.Event(), threading.Event()
    real_copy = lifecycle.copy_generation

    def slow_copy(base: Path, source: Path) -> Path:
        # The real copy first: once released, the copy is over at once, so the waiting
        # search below is not racing the disk on a loaded machine (it lost, at load 7).
        copied = real_copy(base, source)
        copying.set()
        release.wait(10)
        return copied

    monkeypatch.setattr(lifecycle, "copy_generation", slow_copy)
    build = asyncio.create_task(index.shards.build_graph())
    assert await asyncio.to_thread(copying.wait, 10)

    started = time.monotonic()
    with pytest.raises(EdgeIndexBusy, match="rebuilding its search graph") as raised:
        await index.search(_chunks(4).vectors[1], 1)
    assert 0.9 < time.monotonic() - started < 3
    assert isinstance(raised.value, LaneUnavailable)
    write = asyncio.create_task(index.upsert(late, _chunks(2, seed=1)))
    waiting = asyncio.create_task(index.search(_chunks(4).vectors[1], 1))
    await asyncio.sleep(0.05)
    release.set()  # the copy ends inside the waiting search's 1 s
    assert (await waiting)[0].chunk_index == 1
    await build
    await write
    assert await index.track_counts() == {track: 4, late: 2}
    await index.close()


async def test_finish_rebuild_publishes_an_already_built_generation(tmp_path: Path) -> None:
    base = tmp_path / "q"
    index = QdrantEdgeIndex(base)
    await index.upsert(uuid4(), _chunks(2, 99, WIDE))
    await index.begin_rebuild()
    async with _ticking() as longest:
        tracks = await _fill_wide(index)
        await index.finish_rebuild()

    assert longest[0] < 0.5
    hits = await index.search(_chunks(100, 6, WIDE).vectors[42], 1)
    assert (hits[0].track_id, hits[0].chunk_index) == (tracks[6], 42)
    assert len(await index.track_counts()) == 7
    await index.close()
    assert _indexed_vectors(base) == 700


def test_a_copy_of_the_first_generation_leaves_the_bookkeeping_behind(tmp_path: Path) -> None:
    base = tmp_path / "q"
    (base / "wal").mkdir(parents=True)
    (base / "wal" / "open-1").write_text("w")
    (base / "edge_config.json").write_text("{}")
    (base / "generation-old").mkdir()
    (base / "CURRENT").write_text("")

    copy = copy_generation(base, base)

    assert sorted(p.name for p in copy.iterdir()) == ["edge_config.json", "wal"]
    assert (copy / "wal" / "open-1").read_text() == "w"


_FULL_DISK_CHILD = """
import asyncio, sys
from pathlib import Path
from uuid import uuid4
from adapters.qdrant_edge.disk_room import VectorIndexFull
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from tests.support.small_disk import fill
from tests.integration.test_qdrant_edge import _chunks

async def main(disk: Path) -> None:
    index = QdrantEdgeIndex(disk / "q")
    track = uuid4()
    await index.upsert(track, _chunks(40, dim=512))
    fill(disk, 64 << 10)  # less than the next write's vectors
    for write in (index.upsert(uuid4(), _chunks(200, 1, dim=512)), index.remove(track)):
        try:
            await write
        except VectorIndexFull as full:
            print("refused:", full.message, flush=True)
    try:
        await index.check()
    except VectorIndexFull:
        print("check: full", flush=True)
    (disk / "filler").unlink()
    await index.upsert(uuid4(), _chunks(40, 2, dim=512))
    print("points:", sum((await index.track_counts()).values()), flush=True)
    await index.close()

asyncio.run(main(Path(sys.argv[1])))
"""


def test_a_full_disk_refuses_writes_with_a_reason_instead_of_a_sigbus(tmp_path: Path) -> None:
    """The shard writes through mapped sparse files: on a full tmpfs that was a SIGBUS
    that killed the process. Run in a child, so that a regression fails this test only."""
    with small_disk(tmp_path / "disk", 256) as disk:
        done = subprocess.run(
            [sys.executable, "-c", _FULL_DISK_CHILD, str(disk)],
            capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[2],
        )  # fmt: skip
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    lines = done.stdout.splitlines()
    refused = [line for line in lines if line.startswith("refused:")]
    assert len(refused) == 2 and "MB free" in refused[0] and "nothing was written" in refused[0]
    assert "check: full" in lines
    assert lines[-1] == "points: 80"  # the first track and the one after the disk had room

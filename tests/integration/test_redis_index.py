"""The fingerprint index on a real Redis Cluster (3 masters, 3 replicas on loopback):
chosen by FINGERPRINT_INDEX_URL, consistent while tracks are written and removed, a full
cluster reported like LMDB's full disk, a master killed during searches, a slot moved
under them, and a rebuild's old generation dropped."""

from __future__ import annotations

import asyncio
import json
import signal
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from adapters.redis_index.fingerprint_index import RedisFingerprintIndex
from adapters.redis_index.functions import HIDE
from adapters.redis_index.layout import TrackRecord, groups_of, number_field
from application.identify.exact_lookup import match_exact
from application.library.ingest_file import IngestFile
from application.projections.projector import StoreUnavailable
from application.projections.verify_projections import VerifyProjections
from domain.audio import PcmAudio
from domain.errors import IndexFull, IndexUnavailable
from domain.exact.analysis import dense
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import distinct_entries, pack_entries
from domain.exact.matcher import match_print
from domain.ports.fingerprint_index import IndexSnapshot
from domain.projections.nodes import NodeProjections, ProjectionKey
from tests.support.audio_factory import synth_track, write_wav
from tests.support.cli_runner import run_cli
from tests.support.exact_stack import ExactStack, exact_stack
from tests.support.redis_cluster import LocalRedisCluster, RedisNode, redis_index_on, wait_until
from tests.support.synthetic import RATE, cut

FINGERPRINT = ProjectionKey("fingerprint")

FIRST, SECOND, THIRD = (uuid.UUID(int=seed) for seed in (11, 22, 33))
Answer = tuple[uuid.UUID, float] | None


async def _queries(
    tracks: dict[uuid.UUID, PcmAudio], fingerprinter: CffiLandmarkFingerprinter
) -> dict[uuid.UUID, LandmarkFingerprint]:
    prints = {}
    for track_id, audio in tracks.items():
        (prints[track_id],) = await fingerprinter.prints(cut(audio, 9 * RATE, 6.0), [dense()])
    return prints


async def _answer(index: RedisFingerprintIndex, query: LandmarkFingerprint) -> Answer:
    matches = await match_exact(index, query, 3)
    return (matches[0].track_id, round(matches[0].offset_seconds, 2)) if matches else None


async def _entries_held(index: RedisFingerprintIndex, hashes: np.ndarray) -> int:
    """Entries under these hashes as the cluster holds them (published or not)."""
    return int((await index.read(lambda s: s.counts(np.unique(hashes)))).sum())


# The setting and the CLI


async def test_the_cli_indexes_and_identifies_through_the_cluster(
    ingest: IngestFile, cli_env: dict[str, str], audio_dir: Path, redis_cluster: LocalRedisCluster
) -> None:
    env = {**cli_env, "FINGERPRINT_INDEX_URL": redis_cluster.url}
    try:
        await _index_and_identify(ingest, env, audio_dir)
        # The generation the rebuild replaced was dropped before the command ended.
        held = {"fp:g1:*": 0, "fp:g2:*": 0}
        for node in redis_cluster.primaries():
            with redis_cluster.connection(node) as plain:
                for pattern in held:
                    held[pattern] += sum(1 for _ in plain.scan_iter(match=pattern))
        assert held["fp:g1:*"] == 0 and held["fp:g2:*"] > 0
    finally:  # the CLI writes under the default namespace
        for node in redis_cluster.primaries():
            redis_cluster.cli(node, "FLUSHALL")


async def _index_and_identify(ingest: IngestFile, env: dict[str, str], audio_dir: Path) -> None:
    song = synth_track(7, 30.0)
    outcome = await ingest(write_wav(audio_dir / "song.wav", song))
    code, _, err = await run_cli(env, "outbox", "replay", "--projection", "fingerprint")
    assert code == 0, err
    clip = write_wav(audio_dir / "clip.wav", song.slice_seconds(12.0, 20.0))
    code, out, err = await run_cli(env, "identify", "--json", "--mode", "exact", str(clip))
    assert code == 0, err
    [match] = json.loads(out)["exact_matches"]
    assert match["track_id"] == str(outcome.track_id)
    assert abs(match["offset_seconds"] - 12.0) < 0.05
    # A rebuild from scratch lands in a new generation of the cluster; verify sees it.
    code, _, err = await run_cli(
        env, "outbox", "replay", "--projection", "fingerprint", "--from-scratch", "--yes"
    )
    assert code == 0, err
    code, out, err = await run_cli(env, "outbox", "verify", "--json")
    assert code == 0, (out, err)
    code, out, _ = await run_cli(env, "identify", "--json", "--mode", "exact", str(clip))
    assert json.loads(out)["exact_matches"][0]["track_id"] == str(outcome.track_id)


# Consistency


async def test_a_put_cut_short_is_invisible_and_applied_again_exactly(
    redis_cluster: LocalRedisCluster,
    reference_prints: dict[uuid.UUID, LandmarkFingerprint],
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter: CffiLandmarkFingerprinter,
) -> None:
    queries = await _queries(tracks, fingerprinter)
    async with redis_index_on(redis_cluster) as index:
        await index.put(FIRST, reference_prints[FIRST])
        # SECOND's put dies after half its postings (record written, nothing published).
        client = await index._ready()
        generation = await index._write_generation(client)
        number = int(await client.hincrby(index._keys.root, f"g{generation}:next", 1))
        second = reference_prints[SECOND]
        half = groups_of(second.hashes.astype(np.uint64)) < 128
        hashes, values = distinct_entries(
            second.hashes[half].astype(np.uint64), pack_entries(number, second.times[half])
        )
        record = TrackRecord(number, len(hashes), second.span_frames, np.unique(second.hashes))
        await client.set(index._keys.track(generation, SECOND), record.encode())
        await index._append(client, generation, number, hashes, values)

        assert await _answer(index, queries[SECOND]) is None  # half a track is never seen
        assert (await _answer(index, queries[FIRST]) or (None,))[0] == FIRST
        assert await index.hash_count(SECOND) is None
        assert await index.track_counts() == {FIRST: await index.hash_count(FIRST)}

        # Applied again (the projector re-applies the event): exactly one copy remains.
        stored = await index.put(SECOND, second)
        assert (await _answer(index, queries[SECOND]) or (None,))[0] == SECOND
        everything = np.concatenate([p.hashes for p in reference_prints.values()])
        assert await _entries_held(index, everything) == stored + await index.hash_count(FIRST)


async def test_a_removal_hides_the_whole_track_before_its_postings_go(
    served: Served, reference_prints: dict[uuid.UUID, LandmarkFingerprint]
) -> None:
    index, queries = served.index, served.queries
    client = await index._ready()
    view = await index._view(client)
    assert view is not None
    raw = await client.get(index._keys.track(view.generation, SECOND))
    number = TrackRecord.decode(raw).number
    # The removal's first step alone (as if it died there): the track is gone at once.
    await index._fcall(
        client,
        HIDE,
        [index._keys.root, index._keys.numbers(view.generation)],
        view.generation,
        number_field(number),
    )
    assert await _answer(index, queries[SECOND]) is None
    assert (await _answer(index, queries[THIRD]) or (None,))[0] == THIRD
    assert SECOND not in await index.track_counts()
    frames = await index.read(lambda snapshot: snapshot.total_frames)
    assert frames == sum(p.span_frames for key, p in reference_prints.items() if key != SECOND)
    # Removed again: its postings go too, exactly.
    await index.remove(SECOND)
    everything = np.concatenate([p.hashes for p in reference_prints.values()])
    kept = sum((await index.track_counts()).values())
    assert await _entries_held(index, everything) == kept


# A full cluster


@contextmanager
def _memory_capped(cluster: LocalRedisCluster, headroom: int) -> Iterator[None]:
    """Every master's maxmemory just above what it uses now (restored afterwards)."""
    masters = cluster.primaries()
    for node in masters:
        used = int(cluster.info(node, "memory")["used_memory"])
        cluster.cli(node, "CONFIG", "SET", "maxmemory", str(used + headroom))
        cluster.cli(node, "CONFIG", "SET", "maxmemory-policy", "noeviction")
    try:
        yield
    finally:
        for node in masters:
            cluster.cli(node, "CONFIG", "SET", "maxmemory", "0")


@pytest.fixture
def stack(
    engine: AsyncEngine, ingest: IngestFile, storage_root: Path, audio_dir: Path
) -> ExactStack:
    return exact_stack(PostgresUnitOfWorkFactory(engine), ingest, storage_root, audio_dir)


async def test_a_full_cluster_is_reported_like_a_full_disk_and_nothing_is_parked(
    stack: ExactStack, redis_cluster: LocalRedisCluster
) -> None:
    async with redis_index_on(redis_cluster) as index:
        projector = stack.on(index)
        await stack.add_tracks(range(90, 92))
        assert await projector.catch_up() == 2
        await index.check()
        with _memory_capped(redis_cluster, 32 * 1024):
            await stack.add_tracks(range(92, 96))
            with pytest.raises(StoreUnavailable, match="the fingerprint index is full"):
                await projector.catch_up()
            async with stack.uow() as uow:
                assert await uow.parked.list() == []  # more memory would take them
                assert await uow.checkpoints.get(FINGERPRINT) < 6
            with pytest.raises(IndexFull, match="maxmemory"):
                await index.check()
            # Searches still read a full cluster.
            assert [a for a in await stack.answers(range(90, 92)) if a is None] == []
        # Room again: the same events go in, from the checkpoint.
        assert await projector.catch_up() >= 1
        async with stack.uow() as uow:
            assert await uow.parked.list() == []
            assert await uow.checkpoints.get(FINGERPRINT) == 6
        await index.check()
        assert (
            await VerifyProjections(stack.uow, {"fingerprint": index}, NodeProjections())()
        ).clean
        assert [a for a in await stack.answers(range(90, 96)) if a is None] == []


# A master killed, a slot moved


def _master_of_root(cluster: LocalRedisCluster, index: RedisFingerprintIndex) -> RedisNode:
    slot = int(cluster.cli(cluster.nodes[0], "CLUSTER", "KEYSLOT", index._keys.root.decode()))
    return _master_serving(cluster, slot)


def _master_serving(cluster: LocalRedisCluster, slot: int) -> RedisNode:
    for node in cluster.primaries():
        for line in cluster.cli(node, "CLUSTER", "NODES").splitlines():
            fields = line.split()
            if "myself" not in fields[2]:
                continue
            for part in fields[8:]:
                low, _, high = part.partition("-")
                if low.isdigit() and int(low) <= slot <= int(high or low):
                    return node
    raise AssertionError(f"no master serves slot {slot}")


@dataclass
class Served:
    """A cluster of the test's own, holding the three tracks, and each one's query with the
    answer it gets while the cluster is healthy."""

    cluster: LocalRedisCluster
    index: RedisFingerprintIndex
    queries: dict[uuid.UUID, LandmarkFingerprint]
    expected: dict[uuid.UUID, Answer]

    def parts(self) -> tuple[LocalRedisCluster, RedisFingerprintIndex, dict, dict]:
        return self.cluster, self.index, self.queries, self.expected

    async def answers(self) -> dict[uuid.UUID, Answer]:
        return {track: await _answer(self.index, q) for track, q in self.queries.items()}


@pytest.fixture
async def served(
    request: pytest.FixtureRequest,
    reference_prints: dict[uuid.UUID, LandmarkFingerprint],
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter: CffiLandmarkFingerprinter,
) -> AsyncIterator[Served]:
    """The three tracks on the session's cluster, or on a cluster of the test's own when
    the test asks for `own_redis_cluster` too (it may kill or move things)."""
    own = "own_redis_cluster" in request.fixturenames
    cluster = request.getfixturevalue("own_redis_cluster" if own else "redis_cluster")
    queries = await _queries(tracks, fingerprinter)
    async with redis_index_on(cluster) as index:
        for track_id, fingerprint in reference_prints.items():
            await index.put(track_id, fingerprint)
        ready = Served(cluster, index, queries, {})
        ready.expected = await ready.answers()
        assert None not in ready.expected.values()
        yield ready


async def test_a_master_killed_during_searches_gives_errors_or_right_answers_then_recovers(
    own_redis_cluster: LocalRedisCluster,
    served: Served,
    reference_prints: dict[uuid.UUID, LandmarkFingerprint],
) -> None:
    cluster, index, queries, expected = served.parts()
    victim = _master_of_root(cluster, index)
    right = unavailable = 0
    wrong: list[object] = []
    killed_at = recovered_at = None
    started = time.monotonic()
    while time.monotonic() - started < 60:
        if killed_at is None and right >= 6:
            cluster.kill(victim)
            killed_at = time.monotonic()
        for track, query in queries.items():
            try:
                answer = await _answer(index, query)
            except IndexUnavailable:
                unavailable += 1
                continue
            if answer == expected[track]:
                right += 1
            else:
                wrong.append((track, answer))
        if killed_at is not None and recovered_at is None and time.monotonic() > killed_at + 0.5:
            try:
                await index.check()
            except IndexUnavailable:
                continue
            recovered_at = time.monotonic()
        if recovered_at is not None and time.monotonic() - recovered_at > 1:
            break
        await asyncio.sleep(0.02)
    assert wrong == [], (right, unavailable)
    assert killed_at is not None and recovered_at is not None, (right, unavailable)
    # After the failover: every answer right again, and writes go through.
    assert await served.answers() == expected
    await index.remove(THIRD)
    assert await _answer(index, queries[THIRD]) is None
    await index.put(THIRD, reference_prints[THIRD])
    assert await _answer(index, queries[THIRD]) == expected[THIRD]
    cluster.launch(victim)  # it comes back as a replica of the promoted one
    cluster.wait_healthy()
    assert await served.answers() == expected


async def test_a_write_its_replicas_did_not_take_is_an_error_not_an_acknowledgement(
    tmp_path: Path, reference_prints: dict[uuid.UUID, LandmarkFingerprint]
) -> None:
    # A node timeout far beyond the test: the stopped replica stays one a failover could
    # promote, so a put it did not take must not be acknowledged.
    cluster = LocalRedisCluster(tmp_path / "redis-cluster", node_timeout_ms=60_000).start()
    try:
        async with redis_index_on(cluster) as index:
            await index.put(FIRST, reference_prints[FIRST])
            masters = cluster.primaries()
            replica = next(n for n in cluster.running() if n not in masters)
            assert replica.process is not None
            replica.process.send_signal(signal.SIGSTOP)
            try:
                with pytest.raises(IndexUnavailable, match="did not replicate a write"):
                    await index.put(SECOND, reference_prints[SECOND])
            finally:
                replica.process.send_signal(signal.SIGCONT)
            # The replica back: the same put again is acknowledged, and exactly once.
            stored = await index.put(SECOND, reference_prints[SECOND])
            assert await index.track_counts() == {
                FIRST: await index.hash_count(FIRST),
                SECOND: stored,
            }
    finally:
        cluster.stop()


async def test_searches_and_writes_go_on_while_a_slot_moves_and_after(
    own_redis_cluster: LocalRedisCluster,
    served: Served,
    reference_prints: dict[uuid.UUID, LandmarkFingerprint],
) -> None:
    cluster, index, queries, expected = served.parts()
    # The group holding most of SECOND's postings moves to another master.
    groups, sizes = np.unique(groups_of(queries[SECOND].hashes), return_counts=True)
    prefix = index._keys.group_prefixes(1)[int(groups[np.argmax(sizes)])]
    slot = int(cluster.cli(cluster.nodes[0], "CLUSTER", "KEYSLOT", prefix.decode()))
    source = _master_serving(cluster, slot)
    target = next(n for n in cluster.primaries() if n is not source)
    source_id = cluster.cli(source, "CLUSTER", "MYID")
    target_id = cluster.cli(target, "CLUSTER", "MYID")
    cluster.cli(target, "CLUSTER", "SETSLOT", str(slot), "IMPORTING", source_id)
    cluster.cli(source, "CLUSTER", "SETSLOT", str(slot), "MIGRATING", target_id)
    with cluster.connection(source) as admin:
        keys = admin.execute_command("CLUSTER", "GETKEYSINSLOT", slot, 100000)
    assert len(keys) > 10

    def migrate(some: list[bytes]) -> None:
        with cluster.connection(source) as admin:
            admin.execute_command("MIGRATE", "127.0.0.1", target.port, "", 0, 5000, "KEYS", *some)

    migrate(keys[: len(keys) // 2])
    # Half moved: a command over several of the slot's keys is refused (TRYAGAIN), so
    # the group is read, and written, key by key, each key following its ASK.
    assert await served.answers() == expected
    await index.remove(SECOND)
    assert await _answer(index, queries[SECOND]) is None
    await index.put(SECOND, reference_prints[SECOND])
    assert await served.answers() == expected
    with cluster.connection(source) as admin:
        keys = admin.execute_command("CLUSTER", "GETKEYSINSLOT", slot, 100000)
    migrate(keys)
    for node in cluster.primaries():
        cluster.cli(node, "CLUSTER", "SETSLOT", str(slot), "NODE", target_id)
    wait_until(
        lambda: all(
            "cluster_state:ok" in cluster.cli(n, "CLUSTER", "INFO") for n in cluster.running()
        ),
        "the slot's new owner known",
    )
    # The client's slot map is stale: MOVED replies are followed, the answers right.
    assert await served.answers() == expected
    await index.remove(SECOND)
    await index.put(SECOND, reference_prints[SECOND])
    assert await _answer(index, queries[SECOND]) == expected[SECOND]


# Rebuilds


async def test_a_search_meeting_a_dropped_generation_reads_the_new_one(
    served: Served, reference_prints: dict[uuid.UUID, LandmarkFingerprint]
) -> None:
    redis_cluster, index, queries = served.cluster, served.index, served.queries
    old = await index._view(await index._ready())
    await index.begin_rebuild()
    await index.put(THIRD, reference_prints[THIRD])
    loop = asyncio.get_running_loop()
    attempts: list[int] = []

    async def swap_and_drop() -> None:
        await index.finish_rebuild()
        await index.settled()

    def match(snapshot: IndexSnapshot) -> Answer:
        attempts.append(snapshot.total_frames)
        if len(attempts) == 1:  # the rebuild lands between opening and reading
            asyncio.run_coroutine_threadsafe(swap_and_drop(), loop).result()
        found = match_print(snapshot, queries[THIRD], 3)
        return (found[0].track_id, round(found[0].offset_seconds, 2)) if found else None

    answer = await index.read(match)
    assert len(attempts) == 2  # the first snapshot was abandoned, not answered from
    assert answer is not None and answer[0] == THIRD
    assert list(await index.track_counts()) == [THIRD]
    assert await _answer(index, queries[FIRST]) is None
    # Nothing of the old generation is left on any master.
    assert old is not None
    pattern = index._keys.prefix(old.generation).decode() + "*"
    for node in redis_cluster.primaries():
        assert redis_cluster.cli(node, "--scan", "--pattern", pattern) == ""
    root = redis_cluster.cli(_master_of_root(redis_cluster, index), "HKEYS",
                             index._keys.root.decode())  # fmt: skip
    assert f"g{old.generation}:" not in root


async def test_an_aborted_rebuild_leaves_no_keys(
    redis_cluster: LocalRedisCluster, reference_prints: dict[uuid.UUID, LandmarkFingerprint]
) -> None:
    async with redis_index_on(redis_cluster) as index:
        await index.put(FIRST, reference_prints[FIRST])
        await index.begin_rebuild()
        building = index._building
        assert building is not None
        await index.put(SECOND, reference_prints[SECOND])
        await index.abort_rebuild()
        await index.settled()
        pattern = index._keys.prefix(building).decode() + "*"
        for node in redis_cluster.primaries():
            assert redis_cluster.cli(node, "--scan", "--pattern", pattern) == ""
        assert await index.track_counts() == {FIRST: await index.hash_count(FIRST)}

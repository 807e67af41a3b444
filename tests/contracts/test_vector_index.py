"""One contract, three adapters: in-memory, Qdrant server (client :memory:), Qdrant Edge."""

from __future__ import annotations

from uuid import UUID, uuid4

import numpy as np
import pytest

from domain.ports.vector_index import IndexDimensionMismatch, VectorIndex
from domain.vibe.embedding import ChunkEmbeddings

# qdrant-client's local mode warns that payload indexes are no-ops there; a server uses them.
pytestmark = pytest.mark.filterwarnings("ignore:Payload indexes have no effect")

DIM = 16


def _unit_rows(rows: int, seed: int, dim: int = DIM) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _chunks(vectors: np.ndarray) -> ChunkEmbeddings:
    offsets = np.arange(len(vectors), dtype=np.float32) * 5.0
    return ChunkEmbeddings(vectors, offsets, "test-model")


async def _fill(
    vector_index: VectorIndex, tracks: int = 3, rows: int = 4
) -> dict[UUID, np.ndarray]:
    stored = {uuid4(): _unit_rows(rows, seed) for seed in range(tracks)}
    for track_id, vectors in stored.items():
        await vector_index.upsert(track_id, _chunks(vectors))
    return stored


async def test_search_before_any_write_is_empty(vector_index: VectorIndex) -> None:
    assert await vector_index.search(_unit_rows(1, 0)[0], 5) == []
    assert await vector_index.chunk_count(uuid4()) == 0
    await vector_index.remove(uuid4())
    assert await vector_index.search(_unit_rows(1, 0)[0], 5) == []


async def test_nearest_chunk_comes_first_with_its_payload(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index)
    track_id = next(iter(stored))

    hits = await vector_index.search(stored[track_id][2], 5)

    assert len(hits) == 5
    assert (hits[0].track_id, hits[0].chunk_index, hits[0].offset_seconds) == (track_id, 2, 10.0)
    assert hits[0].similarity == pytest.approx(1.0, abs=1e-4)
    similarities = [hit.similarity for hit in hits]
    assert similarities == sorted(similarities, reverse=True)


async def test_re_upserting_overwrites_rather_than_duplicates(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index)
    track_id = next(iter(stored))

    await vector_index.upsert(track_id, _chunks(stored[track_id]))
    await vector_index.upsert(track_id, _chunks(stored[track_id]))

    assert await vector_index.chunk_count(track_id) == 4
    hits = await vector_index.search(stored[track_id][0], 12)
    assert len({(hit.track_id, hit.chunk_index) for hit in hits}) == len(hits) == 12


async def test_a_shorter_re_upsert_drops_the_old_tail(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index)
    track_id = next(iter(stored))

    await vector_index.upsert(track_id, _chunks(stored[track_id][:2]))

    assert await vector_index.chunk_count(track_id) == 2
    hits = await vector_index.search(stored[track_id][3], 20)
    assert {hit.chunk_index for hit in hits if hit.track_id == track_id} == {0, 1}


async def test_remove_forgets_only_that_track(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index)
    gone, *kept = stored

    await vector_index.remove(gone)
    await vector_index.remove(uuid4())

    assert await vector_index.chunk_count(gone) == 0
    assert [await vector_index.chunk_count(track) for track in kept] == [4, 4]
    hits = await vector_index.search(stored[gone][0], 20)
    assert gone not in {hit.track_id for hit in hits}
    assert len(hits) == 8


async def test_excluded_tracks_do_not_use_up_the_limit(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index)
    first, second, third = stored

    hits = await vector_index.search(stored[first][0], 4, exclude_track_ids={first, second})

    assert len(hits) == 4
    assert {hit.track_id for hit in hits} == {third}


async def test_an_empty_rebuild_empties_and_forgets_the_dimension(
    vector_index: VectorIndex,
) -> None:
    await _fill(vector_index)

    await vector_index.begin_rebuild()
    await vector_index.finish_rebuild()

    assert await vector_index.search(_unit_rows(1, 0)[0], 5) == []
    wider = uuid4()
    await vector_index.upsert(wider, _chunks(_unit_rows(2, 9, dim=DIM * 2)))
    assert await vector_index.chunk_count(wider) == 2


async def test_another_dimension_is_refused(vector_index: VectorIndex) -> None:
    await _fill(vector_index, tracks=1)

    with pytest.raises(IndexDimensionMismatch):
        await vector_index.upsert(uuid4(), _chunks(_unit_rows(2, 5, dim=DIM + 1)))
    with pytest.raises(IndexDimensionMismatch):
        await vector_index.search(_unit_rows(1, 5, dim=DIM + 1)[0], 3)


async def test_an_empty_embedding_stores_nothing(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index, tracks=1)
    track_id = next(iter(stored))

    await vector_index.upsert(track_id, _chunks(np.zeros((0, DIM), dtype=np.float32)))

    assert await vector_index.chunk_count(track_id) == 0


async def test_track_counts_list_every_track_and_check_passes(vector_index: VectorIndex) -> None:
    assert await vector_index.track_counts() == {}
    await vector_index.check()
    first, second = uuid4(), uuid4()
    await vector_index.upsert(first, _chunks(_unit_rows(3, 1)))
    await vector_index.upsert(second, _chunks(_unit_rows(1, 2)))
    assert await vector_index.track_counts() == {first: 3, second: 1}
    await vector_index.remove(first)
    assert await vector_index.track_counts() == {second: 1}
    await vector_index.check()


async def test_rebuild_is_invisible_until_finished(vector_index: VectorIndex) -> None:
    old, new, later = uuid4(), uuid4(), uuid4()
    await vector_index.upsert(old, _chunks(_unit_rows(2, 1)))
    await vector_index.begin_rebuild()
    await vector_index.upsert(new, _chunks(_unit_rows(3, 2)))
    assert await vector_index.track_counts() == {old: 2}  # readers still see the live generation
    assert await vector_index.chunk_count(new) == 0
    assert {hit.track_id for hit in await vector_index.search(_unit_rows(1, 2)[0], 10)} == {old}
    await vector_index.finish_rebuild()
    assert await vector_index.track_counts() == {new: 3}
    assert await vector_index.chunk_count(old) == 0
    await vector_index.upsert(later, _chunks(_unit_rows(1, 3)))  # writes go to the new live one
    assert await vector_index.track_counts() == {new: 3, later: 1}
    assert {hit.track_id for hit in await vector_index.search(_unit_rows(1, 3)[0], 10)} == {
        new,
        later,
    }


async def test_an_aborted_rebuild_changes_nothing(vector_index: VectorIndex) -> None:
    kept, dropped, later = uuid4(), uuid4(), uuid4()
    await vector_index.upsert(kept, _chunks(_unit_rows(2, 1)))
    await vector_index.begin_rebuild()
    await vector_index.upsert(dropped, _chunks(_unit_rows(1, 2)))
    await vector_index.remove(kept)  # in the half-built generation only
    await vector_index.abort_rebuild()
    assert await vector_index.track_counts() == {kept: 2}
    await vector_index.upsert(later, _chunks(_unit_rows(1, 3)))
    assert await vector_index.track_counts() == {kept: 2, later: 1}


async def test_a_rebuild_can_change_the_dimension(vector_index: VectorIndex) -> None:
    await _fill(vector_index, tracks=1)
    await vector_index.begin_rebuild()
    wider = uuid4()
    await vector_index.upsert(
        wider, _chunks(_unit_rows(2, 9, dim=DIM * 2))
    )  # the new model's vectors
    with pytest.raises(IndexDimensionMismatch):
        await vector_index.search(_unit_rows(1, 9, dim=DIM * 2)[0], 3)  # live still holds the old
    await vector_index.finish_rebuild()
    (hit,) = await vector_index.search(_unit_rows(2, 9, dim=DIM * 2)[1], 1)
    assert (hit.track_id, hit.chunk_index) == (wider, 1)


async def test_a_rebuild_of_nothing_leaves_an_empty_index(vector_index: VectorIndex) -> None:
    await _fill(vector_index, tracks=1)
    await vector_index.begin_rebuild()
    await vector_index.finish_rebuild()
    assert await vector_index.track_counts() == {}
    assert await vector_index.search(_unit_rows(1, 0)[0], 5) == []
    track = uuid4()
    await vector_index.upsert(
        track, _chunks(_unit_rows(2, 4, dim=DIM + 3))
    )  # dimension is free again
    assert await vector_index.track_counts() == {track: 2}


async def test_a_new_rebuild_drops_a_half_built_one(vector_index: VectorIndex) -> None:
    live, abandoned, rebuilt = uuid4(), uuid4(), uuid4()
    await vector_index.upsert(live, _chunks(_unit_rows(1, 1)))
    await vector_index.begin_rebuild()
    await vector_index.upsert(abandoned, _chunks(_unit_rows(1, 2)))
    await vector_index.begin_rebuild()
    await vector_index.upsert(rebuilt, _chunks(_unit_rows(2, 3)))
    await vector_index.finish_rebuild()
    assert await vector_index.track_counts() == {rebuilt: 2}


async def test_finishing_without_a_rebuild_is_an_error(vector_index: VectorIndex) -> None:
    with pytest.raises(RuntimeError):
        await vector_index.finish_rebuild()
    await vector_index.abort_rebuild()  # nothing to abort is fine


async def test_track_counts_are_not_cut_short(vector_index: VectorIndex) -> None:
    stored = await _fill(vector_index, tracks=12, rows=1)  # more than a facet's default 10 values
    assert await vector_index.track_counts() == dict.fromkeys(stored, 1)


async def test_a_sample_is_stored_chunks_with_their_tracks(vector_index: VectorIndex) -> None:
    assert await vector_index.sample(5) == []
    stored = await _fill(vector_index, tracks=3, rows=4)
    sample = await vector_index.sample(5)
    assert len(sample) == 5
    for track_id, vector in sample:
        assert vector.dtype == np.float32
        assert any(np.allclose(vector, row, atol=1e-5) for row in stored[track_id])
    assert len(await vector_index.sample(100)) == 12  # never more than is stored
    assert await vector_index.sample(0) == []

"""FingerprintIndex contract: the in-memory twin, LMDB (two key layouts) and Redis Cluster
behave alike."""

from __future__ import annotations

import uuid

import numpy as np

from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from application.identify.exact_lookup import match_exact
from domain.audio import PcmAudio
from domain.exact.alignment import MAX_POINTS
from domain.exact.analysis import STRETCHABLE, dense
from domain.exact.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import FingerprintIndex, IndexSnapshot
from tests.support.synthetic import RATE, cut

FIRST, SECOND, THIRD = (uuid.UUID(int=seed) for seed in (11, 22, 33))


def _tiny(hashes: list[int], times: list[int]) -> LandmarkFingerprint:
    return LandmarkFingerprint(
        np.asarray(hashes, np.uint64), np.asarray(times, np.uint32), 0.008, frames=1000
    )


async def test_hash_count_of_unknown_track_is_none(fingerprint_index: FingerprintIndex) -> None:
    assert await fingerprint_index.hash_count(FIRST) is None


async def test_put_counts_distinct_entries(fingerprint_index: FingerprintIndex) -> None:
    await fingerprint_index.put(FIRST, _tiny([5, 5, 7, 9], [1, 1, 2, 3]))
    assert await fingerprint_index.hash_count(FIRST) == 3


async def test_put_again_replaces_the_track(fingerprint_index: FingerprintIndex) -> None:
    await fingerprint_index.put(FIRST, _tiny([5, 7, 9], [1, 2, 3]))
    await fingerprint_index.put(FIRST, _tiny([11], [4]))
    assert await fingerprint_index.hash_count(FIRST) == 1


async def test_remove_forgets_and_tolerates_unknown(fingerprint_index: FingerprintIndex) -> None:
    await fingerprint_index.put(FIRST, _tiny([5, 7], [1, 2]))
    await fingerprint_index.remove(FIRST)
    await fingerprint_index.remove(FIRST)
    await fingerprint_index.remove(SECOND)
    assert await fingerprint_index.hash_count(FIRST) is None


async def test_empty_query_and_empty_index_match_nothing(
    fingerprint_index: FingerprintIndex,
) -> None:
    assert await match_exact(fingerprint_index, _tiny([], []), 5) == []
    assert await match_exact(fingerprint_index, _tiny([5, 7], [1, 2]), 5) == []


async def test_match_finds_track_and_offset(
    filled_index: FingerprintIndex,
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter,
) -> None:
    clip = cut(tracks[SECOND], 12 * RATE, 8.0)
    (query,) = await fingerprinter.prints(clip, [dense()])
    matches = await match_exact(filled_index, query, 3)
    assert matches[0].track_id == SECOND
    assert abs(matches[0].offset_seconds - 12.0) <= 0.008
    assert matches[0].confidence > 0.99
    assert 0.0 <= matches[0].query_start < matches[0].query_end <= 8.0
    # The hits that made the match, on the line track time = offset + clip time.
    best = matches[0]
    assert 4 <= len(best.aligned_points) <= MAX_POINTS
    for clip_seconds, track_seconds in best.aligned_points:
        assert abs(track_seconds - clip_seconds - best.offset_seconds) <= 0.025
        assert best.query_start - 1e-6 <= clip_seconds <= best.query_end


async def test_removed_track_is_not_matched_but_others_are(
    filled_index: FingerprintIndex, tracks: dict[uuid.UUID, PcmAudio], fingerprinter
) -> None:
    await filled_index.remove(SECOND)
    (gone,) = await fingerprinter.prints(cut(tracks[SECOND], 5 * RATE, 6.0), [dense()])
    (kept,) = await fingerprinter.prints(cut(tracks[THIRD], 5 * RATE, 6.0), [dense()])
    assert SECOND not in {m.track_id for m in await match_exact(filled_index, gone, 5)}
    assert (await match_exact(filled_index, kept, 5))[0].track_id == THIRD


async def test_put_remove_put_matches_like_the_first_put(
    filled_index: FingerprintIndex,
    tracks: dict[uuid.UUID, PcmAudio],
    reference_prints: dict[uuid.UUID, LandmarkFingerprint],
    fingerprinter,
) -> None:
    (query,) = await fingerprinter.prints(cut(tracks[FIRST], 20 * RATE, 5.0), [dense()])
    before = await match_exact(filled_index, query, 3)
    count = await filled_index.hash_count(FIRST)
    await filled_index.remove(FIRST)
    await filled_index.put(FIRST, reference_prints[FIRST])
    await filled_index.put(FIRST, reference_prints[FIRST])
    assert await filled_index.hash_count(FIRST) == count
    assert await match_exact(filled_index, query, 3) == before


async def test_an_empty_rebuild_empties_the_index(
    filled_index: FingerprintIndex, tracks, fingerprinter
):
    await filled_index.begin_rebuild()
    await filled_index.finish_rebuild()
    (query,) = await fingerprinter.prints(cut(tracks[FIRST], 0, 5.0), [dense()])
    assert await match_exact(filled_index, query, 3) == []
    assert await filled_index.hash_count(FIRST) is None
    await filled_index.put(FIRST, _tiny([5], [1]))
    assert await filled_index.hash_count(FIRST) == 1


async def test_limit_bounds_the_answer(filled_index: FingerprintIndex, tracks, fingerprinter):
    (query,) = await fingerprinter.prints(cut(tracks[THIRD], 3 * RATE, 5.0), [dense()])
    assert await match_exact(filled_index, query, 0) == []
    assert len(await match_exact(filled_index, query, 1)) == 1


async def test_put_reports_what_it_stored_and_track_counts_list_it(
    fingerprint_index: FingerprintIndex,
) -> None:
    assert await fingerprint_index.put(FIRST, _tiny([5, 5, 7, 9], [1, 1, 2, 3])) == 3
    assert await fingerprint_index.put(SECOND, _tiny([4], [8])) == 1
    assert await fingerprint_index.track_counts() == {FIRST: 3, SECOND: 1}
    await fingerprint_index.remove(FIRST)
    assert await fingerprint_index.track_counts() == {SECOND: 1}
    await fingerprint_index.check()


async def test_rebuild_is_invisible_until_finished(fingerprint_index: FingerprintIndex) -> None:
    await fingerprint_index.put(FIRST, _tiny([5, 7], [1, 2]))
    await fingerprint_index.begin_rebuild()
    assert await fingerprint_index.put(SECOND, _tiny([9, 11, 13], [1, 2, 3])) == 3
    assert await fingerprint_index.track_counts() == {
        FIRST: 2
    }  # readers still see the live generation
    assert await fingerprint_index.hash_count(SECOND) is None
    await fingerprint_index.finish_rebuild()
    assert await fingerprint_index.track_counts() == {SECOND: 3}
    assert await fingerprint_index.hash_count(FIRST) is None
    await fingerprint_index.put(THIRD, _tiny([2], [2]))  # writes go to the new live generation
    assert await fingerprint_index.track_counts() == {SECOND: 3, THIRD: 1}


async def test_an_aborted_rebuild_changes_nothing(fingerprint_index: FingerprintIndex) -> None:
    await fingerprint_index.put(FIRST, _tiny([5, 7], [1, 2]))
    await fingerprint_index.begin_rebuild()
    await fingerprint_index.put(SECOND, _tiny([9], [1]))
    await fingerprint_index.abort_rebuild()
    assert await fingerprint_index.track_counts() == {FIRST: 2}
    await fingerprint_index.put(THIRD, _tiny([2], [2]))
    assert await fingerprint_index.track_counts() == {FIRST: 2, THIRD: 1}


async def test_every_index_reads_the_same_snapshot_as_the_twin(
    filled_index: FingerprintIndex,
    reference_prints: dict[uuid.UUID, LandmarkFingerprint],
    tracks: dict[uuid.UUID, PcmAudio],
    fingerprinter,
) -> None:
    # The matcher is the same code for every index, so equal snapshots mean equal scores.
    twin = InMemoryFingerprintIndex()
    for track_id, fingerprint in reference_prints.items():
        await twin.put(track_id, fingerprint)
    (query,) = await fingerprinter.prints(cut(tracks[THIRD], 9 * RATE, 6.0), [STRETCHABLE])
    keys = np.unique(np.concatenate([query.hashes, np.arange(1, 400, dtype=np.uint64)]))

    def seen(snapshot: IndexSnapshot) -> tuple[list[int], list[int], list[int], int]:
        hashes, values = snapshot.postings(keys)
        return (
            snapshot.counts(keys).tolist(),
            hashes.tolist(),
            values.tolist(),
            (snapshot.total_frames),
        )

    assert await filled_index.read(seen) == await twin.read(seen)
    assert await match_exact(filled_index, query, 3) == await match_exact(twin, query, 3)

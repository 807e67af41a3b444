"""Sounds-alike matches read against the library's own pairs of passages."""

from __future__ import annotations

import uuid

import numpy as np

from adapters.memory.vector_index import InMemoryVectorIndex
from application.identify.library_alikeness import LibraryAlikeness
from domain.matches import VibeMatch
from domain.vibe.alikeness import MIN_PAIRS, alike_phrase, baseline_of
from domain.vibe.embedding import ChunkEmbeddings


def _unit(rows: int, seed: int, dim: int = 16) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_only_pairs_from_different_tracks_count() -> None:
    one, two = uuid.uuid4(), uuid.uuid4()
    a, b = _unit(3, 1), _unit(2, 2)
    baseline = baseline_of([(one, a[0]), (one, a[1]), (one, a[2]), (two, b[0]), (two, b[1])])
    expected = sorted(float(x @ y) for x in a for y in b)
    assert np.allclose(baseline.similarities, expected, atol=1e-6)


def test_a_match_is_placed_among_the_pairs_and_a_tiny_library_says_nothing() -> None:
    chunks = [(uuid.uuid4(), row) for row in _unit(40, 3)]  # 780 pairs
    baseline = baseline_of(chunks)
    assert len(baseline.similarities) >= MIN_PAIRS
    median = float(np.median(baseline.similarities))
    assert baseline.percentile(median) == 50.0
    assert baseline.percentile(1.0) == 100.0
    assert baseline.percentile(-1.0) == 0.0
    small = baseline_of(chunks[:10])  # 45 pairs
    assert small.percentile(median) is None
    assert alike_phrase(None, 0.934) == "cosine 0.93"
    assert alike_phrase(97.4, 0.934) == "more alike than 97 % of the library's pairs"


async def test_the_sample_is_taken_once_and_again_when_old() -> None:
    index, now = InMemoryVectorIndex(), [0.0]
    for seed in range(30):
        await index.upsert(uuid.uuid4(), ChunkEmbeddings(_unit(4, seed), np.arange(4.0), "m"))
    sampled: list[int] = []
    real_sample = index.sample

    async def counting(count: int):  # type: ignore[no-untyped-def]
        sampled.append(count)
        return await real_sample(count)

    index.sample = counting  # type: ignore[method-assign]
    alikeness = LibraryAlikeness(sample_chunks=50, max_age_seconds=60, clock=lambda: now[0])
    match = VibeMatch(uuid.uuid4(), 0.99, 0.0, 1)
    (first,) = await alikeness.read(index, [match])
    (again,) = await alikeness.read(index, [match])
    assert first.alike_percentile is not None and first.alike_percentile == again.alike_percentile
    assert sampled == [50]
    now[0] = 61.0
    await alikeness.read(index, [match])
    assert sampled == [50, 50]
    assert await alikeness.read(index, []) == []

"""Embedder contract: CLAP (the tiny random model, through the real loading code) and the
in-memory twin embed audio chunks and text alike."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from adapters.clap.embedder import ClapEmbedder
from adapters.memory.embedder import InMemoryEmbedder
from domain.audio import PcmAudio
from domain.ports.embedder import Embedder
from tests.support.signals import noise, tone


@pytest.fixture(params=["memory", "clap"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "memory":
        return InMemoryEmbedder()
    clap: ClapEmbedder = request.getfixturevalue("clap")
    return clap


async def test_one_normalised_vector_per_chunk(embedder: Embedder) -> None:
    embeddings = await embedder.embed_audio(tone(22.0, 440.0))

    assert embeddings.vectors.shape == (4, embedder.dimension)
    assert embeddings.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(embeddings.vectors, axis=1), 1.0, atol=1e-5)
    assert embeddings.offsets_seconds.tolist() == [0.0, 5.0, 10.0, 15.0]
    assert embeddings.model == embedder.model_name


async def test_short_clips_give_one_padded_chunk_and_tiny_ones_none(embedder: Embedder) -> None:
    assert len(await embedder.embed_audio(tone(3.0, 440.0))) == 1
    empty = await embedder.embed_audio(tone(0.5, 440.0))
    assert empty.vectors.shape == (0, embedder.dimension)


async def test_only_48khz_audio_is_accepted(embedder: Embedder) -> None:
    with pytest.raises(ValueError, match="48000"):
        await embedder.embed_audio(PcmAudio(np.zeros(16_000, dtype=np.float32), 16_000))


async def test_the_same_audio_gives_the_same_vectors_and_other_audio_others(
    embedder: Embedder,
) -> None:
    sine = (await embedder.embed_audio(tone(10.0, 440.0))).vectors[0]
    hiss = (await embedder.embed_audio(noise(10.0))).vectors[0]
    again = (await embedder.embed_audio(tone(10.0, 440.0))).vectors[0]

    assert np.allclose(sine, again, atol=1e-6)
    assert float(sine @ hiss) < 0.999


async def test_text_goes_into_the_same_space(embedder: Embedder) -> None:
    calm = await embedder.embed_text("a calm piano with rain")
    loud = await embedder.embed_text("loud drums")

    assert calm.shape == (embedder.dimension,)
    assert calm.dtype == np.float32
    assert np.isclose(np.linalg.norm(calm), 1.0, atol=1e-5)
    assert not np.allclose(calm, loud)
    assert np.allclose(await embedder.embed_text("a calm piano with rain"), calm, atol=1e-6)


async def test_concurrent_requests_are_all_answered(embedder: Embedder) -> None:
    low, text, high = await asyncio.gather(
        embedder.embed_audio(tone(10.0, 220.0)),
        embedder.embed_text("guitar"),
        embedder.embed_audio(tone(10.0, 880.0)),
    )

    assert (len(low), text.shape, len(high)) == (1, (embedder.dimension,), 1)

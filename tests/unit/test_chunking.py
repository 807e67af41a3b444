from __future__ import annotations

import numpy as np
import pytest

from domain.audio import EMBEDDING_RATE, PcmAudio
from domain.vibe.chunking import split_into_chunks

WINDOW = 10 * EMBEDDING_RATE


def _silence(seconds: float) -> PcmAudio:
    return PcmAudio(np.zeros(int(seconds * EMBEDDING_RATE), dtype=np.float32), EMBEDDING_RATE)


@pytest.mark.parametrize(
    ("seconds", "offsets"),
    [
        (0.5, []),
        (0.99, []),
        (1.0, [0.0]),
        (7.0, [0.0]),
        (10.0, [0.0]),
        (10.5, [0.0, 5.0]),
        (20.0, [0.0, 5.0, 10.0]),
        (22.0, [0.0, 5.0, 10.0, 15.0]),
    ],
)
def test_windows_of_ten_seconds_every_five_until_the_end_is_covered(
    seconds: float, offsets: list[float]
) -> None:
    chunks = split_into_chunks(_silence(seconds))

    assert [chunk.offset_seconds for chunk in chunks] == offsets
    assert all(len(chunk.samples) == WINDOW for chunk in chunks)
    assert all(chunk.samples.dtype == np.float32 for chunk in chunks)


def test_a_short_last_window_is_filled_by_repeating_its_own_audio() -> None:
    ramp = np.linspace(-1, 1, 3 * EMBEDDING_RATE, dtype=np.float32)

    (chunk,) = split_into_chunks(PcmAudio(ramp, EMBEDDING_RATE))

    assert np.array_equal(chunk.samples[: len(ramp)], ramp)
    assert np.array_equal(chunk.samples[len(ramp) : 2 * len(ramp)], ramp)


def test_full_windows_are_the_audio_itself() -> None:
    samples = np.random.default_rng(1).standard_normal(15 * EMBEDDING_RATE).astype(np.float32)

    first, second = split_into_chunks(PcmAudio(samples, EMBEDDING_RATE))

    assert np.array_equal(first.samples, samples[:WINDOW])
    assert np.array_equal(second.samples, samples[5 * EMBEDDING_RATE :])

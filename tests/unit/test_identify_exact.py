"""IdentifyExact on inputs that are not a library clip: empty answers, never exceptions."""

from __future__ import annotations

import numpy as np
import pytest

from application.identify.identify_exact import IdentifyExact
from domain.audio import PcmAudio
from domain.ports.fingerprint_index import FingerprintIndex
from tests.support.synthetic import RATE, synthetic_track


@pytest.mark.parametrize(
    "samples",
    [
        np.zeros(0, np.float32),
        np.zeros(RATE * 10, np.float32),
        np.zeros(RATE // 2, np.float32) + 0.1,
        np.random.default_rng(1).uniform(-0.5, 0.5, RATE // 2).astype(np.float32),
        np.random.default_rng(2).normal(0, 0.2, RATE * 10).astype(np.float32),
    ],
    ids=["empty", "silence", "dc-half-second", "noise-half-second", "white-noise"],
)
async def test_non_music_gives_no_match(
    filled_index: FingerprintIndex, fingerprinter, samples: np.ndarray
) -> None:
    identify = IdentifyExact(fingerprinter, filled_index)
    assert await identify(PcmAudio(samples, RATE)) == []


async def test_music_not_in_the_library_gives_no_match(
    filled_index: FingerprintIndex, fingerprinter
) -> None:
    stranger = synthetic_track(seed=4242, seconds=12.0)
    assert await IdentifyExact(fingerprinter, filled_index)(stranger) == []


async def test_wrong_sample_rate_is_a_programming_error(filled_index, fingerprinter) -> None:
    with pytest.raises(ValueError, match="16000"):
        await IdentifyExact(fingerprinter, filled_index)(PcmAudio(np.zeros(10, np.float32), 8000))

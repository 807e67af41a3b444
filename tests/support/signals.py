"""Synthetic 48 kHz signals for vibe tests."""

from __future__ import annotations

import numpy as np

from domain.audio import EMBEDDING_RATE, PcmAudio


def tone(seconds: float, frequency: float, noise: float = 0.0, seed: int = 0) -> PcmAudio:
    """A sine, plus optional white noise, at the embedding rate."""
    times = np.arange(int(seconds * EMBEDDING_RATE)) / EMBEDDING_RATE
    samples = 0.5 * np.sin(2 * np.pi * frequency * times)
    samples += noise * np.random.default_rng(seed).standard_normal(len(times))
    return PcmAudio(samples.astype(np.float32), EMBEDDING_RATE)


def noise(seconds: float, seed: int = 0) -> PcmAudio:
    samples = 0.3 * np.random.default_rng(seed).standard_normal(int(seconds * EMBEDDING_RATE))
    return PcmAudio(samples.astype(np.float32), EMBEDDING_RATE)

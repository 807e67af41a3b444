"""Seeded synthetic "tracks": random note sequences with harmonics, envelopes and some noise."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from domain.audio import FINGERPRINT_RATE, PcmAudio

RATE = FINGERPRINT_RATE


def synthetic_track(
    seed: int, seconds: float = 40.0, time_scale: float = 1.0, pitch_ratio: float = 1.0
) -> PcmAudio:
    """Two voices of random notes (MIDI 45-93), 3-5 harmonics each, -40 dB noise floor.

    `time_scale` 1.1 renders the same notes 10 % longer (tempo 1 / 1.1, pitch kept: what a
    key-locked time stretch should give); `pitch_ratio` multiplies every pitch, tempo kept.
    """
    rng = np.random.default_rng(seed)
    total = int(seconds * RATE)  # notes are drawn on the unscaled clock, then placed
    out = np.zeros(int(total * time_scale), np.float64)
    for _voice in range(2):
        start = 0
        while start < total:
            length = int(rng.uniform(0.12, 0.45) * RATE)
            stop = min(total, start + length)
            first, last = int(start * time_scale), int(stop * time_scale)
            out[first:last] += _note(rng, last - first, time_scale, pitch_ratio)
            start = stop
    if (time_scale, pitch_ratio) != (1.0, 1.0):  # another take: its own noise, not the same
        rng = np.random.default_rng([seed, int(time_scale * 1e6), int(pitch_ratio * 1e6)])
    out += rng.normal(0.0, 0.01, len(out))
    out *= 0.3 / np.max(np.abs(out))
    return PcmAudio(out.astype(np.float32), RATE)


def _note(
    rng: np.random.Generator, count: int, time_scale: float, pitch_ratio: float
) -> npt.NDArray[np.float64]:
    t = np.arange(count) / RATE / time_scale  # the envelope's clock runs with the tempo
    base = 440.0 * 2 ** ((rng.integers(45, 94) - 69) / 12)
    pitch = pitch_ratio * base  # the draws below depend on `base` only: the same notes
    tone = np.zeros(count)
    for harmonic in range(1, int(rng.integers(3, 6)) + 1):
        if base * harmonic < RATE / 2 - 200:
            phase = rng.uniform(0, 6.3)
            if pitch * harmonic < RATE / 2:
                tone += np.sin(2 * np.pi * pitch * harmonic * t * time_scale + phase) / harmonic
    attack = np.minimum(1.0, t / 0.01)
    decay = np.exp(-t * rng.uniform(2.0, 8.0))
    return tone * attack * decay * rng.uniform(0.3, 1.0)


def add_noise(audio: PcmAudio, snr_db: float, seed: int = 99) -> PcmAudio:
    """White noise at `snr_db` below the clip's own power."""
    rng = np.random.default_rng(seed)
    power = float(np.mean(audio.samples.astype(np.float64) ** 2))
    noise = rng.normal(0.0, np.sqrt(power / 10 ** (snr_db / 10)), len(audio.samples))
    return PcmAudio((audio.samples + noise).astype(np.float32), audio.sample_rate)


def change_speed(audio: PcmAudio, speed: float) -> PcmAudio:
    """Play `speed` times faster (tempo and pitch together), by resampling."""
    count = int(len(audio.samples) / speed)
    positions = np.arange(count) * speed
    source = np.arange(len(audio.samples))
    return PcmAudio(np.interp(positions, source, audio.samples).astype(np.float32), RATE)


def cut(audio: PcmAudio, start_sample: int, seconds: float) -> PcmAudio:
    stop = start_sample + int(seconds * RATE)
    return PcmAudio(audio.samples[start_sample:stop].copy(), RATE)

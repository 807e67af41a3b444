"""Tiny generated audio for tests: reproducible 'tracks' and files in real formats."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np

from domain.audio import PcmAudio


def synth_track(seed: int, seconds: float, rate: int = 16_000) -> PcmAudio:
    """A melody of random notes with harmonics and a little noise; distinct per seed."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * rate), dtype=np.float64)
    position = 0
    while position < len(out):
        length = int(rng.uniform(0.12, 0.45) * rate)
        t = np.arange(min(length, len(out) - position)) / rate
        base = 110.0 * 2 ** (rng.integers(0, 36) / 12)
        note = sum(np.sin(2 * np.pi * base * k * t) / k for k in range(1, 5))
        out[position : position + len(t)] += note * np.exp(-3 * t)
        position += length
    out += rng.normal(0, 0.01, len(out))
    out /= np.max(np.abs(out)) * 1.25
    return PcmAudio(out.astype(np.float32), rate)


def write_wav(path: Path, audio: PcmAudio) -> Path:
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(audio.sample_rate)
        handle.writeframes(audio.as_int16().tobytes())
    return path


def encode(source: Path, target: Path, *options: str) -> Path:
    """Re-encode with the real ffmpeg (e.g. to MP3), options placed before the output."""
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(source), *options, str(target)],
        check=True,
    )
    return target

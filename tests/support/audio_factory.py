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


def whole_song(seed: int, seconds: float, rate: int = 16_000) -> PcmAudio:
    """A `synth_track` as a whole recording: a second of silence, then it fades in over
    a second, and at the end out over 3 s into a second of silence, as real recordings
    start from and end in near silence."""
    audio = synth_track(seed, seconds - 2.0, rate).samples.copy()
    fade_in, fade_out = rate, 3 * rate
    audio[:fade_in] *= np.linspace(0.0, 1.0, fade_in, dtype=np.float32)
    audio[-fade_out:] *= np.linspace(1.0, 0.0, fade_out, dtype=np.float32) ** 2
    silence = np.zeros(rate, dtype=np.float32)
    return PcmAudio(np.concatenate([silence, audio, silence]), rate)


def talk(seed: int, seconds: float, rate: int = 16_000) -> PcmAudio:
    """Speech-like noise: a voice's band, in syllables of about a fifth of a second."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, 1.0, int(seconds * rate))
    voiced = np.convolve(noise, np.ones(8) / 8, mode="same") - np.convolve(
        noise, np.ones(64) / 64, mode="same"
    )  # roughly 250 Hz to 2 kHz
    t = np.arange(len(noise)) / rate
    syllables = np.clip(np.sin(2 * np.pi * 2.5 * t + rng.uniform(0, 6)), 0.0, None)
    out = voiced * syllables
    return PcmAudio((out / np.max(np.abs(out)) * 0.6).astype(np.float32), rate)


def joined(*parts: PcmAudio, crossfade: float = 0.0) -> PcmAudio:
    """Recordings one after the other, as in a mix: cut hard, or over `crossfade` seconds
    (equal power) where one fades out while the next fades in."""
    rate = parts[0].sample_rate
    out = parts[0].samples.astype(np.float64)
    overlap = int(crossfade * rate)
    for part in parts[1:]:
        nxt = part.samples.astype(np.float64)
        if overlap:
            ramp = np.linspace(0.0, 1.0, overlap)
            blend = out[-overlap:] * np.sqrt(1 - ramp) + nxt[:overlap] * np.sqrt(ramp)
            out = np.concatenate([out[:-overlap], blend, nxt[overlap:]])
        else:
            out = np.concatenate([out, nxt])
    return PcmAudio(out.astype(np.float32), rate)

"""An AudioDecoder that reads plain PCM WAV in process and hands anything else to another.

A clip sent to `identify` is most often a short WAV; an ffmpeg child for it costs about
50 ms of CPU more than reading it here (bench/RESULTS.md, 'Decoding: a child process per
file'). The samples match ffmpeg's within resampling noise: the same downmix (stereo is
(L + R) / sqrt 2, as ffmpeg's `-ac 1` makes it) and the SoX resampler (libsoxr). Not
scipy's: importing scipy.signal costs every command about half a second of start-up.
"""

from __future__ import annotations

import asyncio
import math
import wave
from pathlib import Path
from typing import IO

import numpy as np
import soxr

from domain.audio import AudioInfo, PcmAudio
from domain.ports.audio_decoder import AudioDecoder

# ffmpeg's mono downmix of a stereo pair, which this reader matches; more channels (whose
# mix ffmpeg weighs per layout) go to the fallback.
_STEREO_TO_MONO = math.sqrt(0.5)
# Sample rates read here; a header claiming another goes to the fallback.
USUAL_RATES = (8_000, 384_000)


class NotPlainWav(ValueError):
    """Not a 16-bit PCM WAV of one or two channels: the fallback decoder's work."""


class InProcessWavDecoder:
    """16-bit PCM WAV (one or two channels) decoded in process; everything else, and any
    file this reader cannot make sense of, by `fallback` (which also probes)."""

    def __init__(self, fallback: AudioDecoder) -> None:
        self._fallback = fallback

    async def probe(self, path: Path) -> AudioInfo:
        return await self._fallback.probe(path)

    async def decode(
        self, path: Path, sample_rate: int, max_seconds: float | None = None
    ) -> PcmAudio:
        try:
            return await asyncio.to_thread(_decode_file, path, sample_rate, max_seconds)
        except (NotPlainWav, wave.Error, EOFError, OSError):
            # Empty, odd or damaged files too: the fallback says why, as it always has.
            return await self._fallback.decode(path, sample_rate, max_seconds)


def _decode_file(path: Path, sample_rate: int, max_seconds: float | None) -> PcmAudio:
    with path.open("rb") as file:
        audio = read_wav(file, max_seconds)[1]
    if not USUAL_RATES[0] <= audio.sample_rate <= USUAL_RATES[1]:
        raise NotPlainWav("an unusual sample rate")  # a crafted header: ffmpeg's to judge
    return resampled(audio, sample_rate)


def read_wav(file: IO[bytes], max_seconds: float | None = None) -> tuple[AudioInfo, PcmAudio]:
    """A 16-bit PCM WAV's audio (its first `max_seconds`), mono; NotPlainWav or wave.Error
    for anything else."""
    with wave.open(file, "rb") as handle:
        channels, rate = handle.getnchannels(), handle.getframerate()
        if handle.getsampwidth() != 2 or channels not in (1, 2) or rate <= 0:
            raise NotPlainWav("only 16-bit PCM, mono or stereo")
        wanted = handle.getnframes()
        if max_seconds is not None:
            wanted = min(wanted, math.ceil(max_seconds * rate))
        frames = np.frombuffer(handle.readframes(wanted), dtype="<i2")
    frames = frames[: len(frames) - len(frames) % channels]  # a stream cut mid-frame
    scale = (_STEREO_TO_MONO if channels == 2 else 1.0) / 32768.0
    # Two strided adds, not sum(axis=1): numpy's casting reduction over pairs took 4 ms of
    # a 5 s stereo clip's decode (0.3 ms this way); int16 sums are exact in float32 either way.
    mono = frames[::channels].astype(np.float32)
    if channels == 2:
        mono += frames[1::2]
    mono *= np.float32(scale)
    audio = PcmAudio(mono, rate)
    bitrate = 16 * rate * channels
    info = AudioInfo("wav", "pcm_s16le", audio.duration_seconds, rate, channels, bitrate)
    return info, audio


def resampled(audio: PcmAudio, sample_rate: int) -> PcmAudio:
    """At `sample_rate` through libsoxr's high-quality (HQ) filter."""
    if audio.sample_rate == sample_rate or not len(audio.samples):
        return PcmAudio(audio.samples, sample_rate)
    samples = soxr.resample(audio.samples, audio.sample_rate, sample_rate, quality="HQ")
    return PcmAudio(np.asarray(samples, dtype=np.float32), sample_rate)

"""Decoded audio and what is known about a file before decoding it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FINGERPRINT_RATE = 16_000  # landmark fingerprints and Chromaprint are computed at 16 kHz
EMBEDDING_RATE = 48_000  # CLAP is trained on 48 kHz audio


@dataclass(frozen=True, slots=True)
class PcmAudio:
    """Mono float32 samples in [-1, 1] at a known sample rate."""

    samples: npt.NDArray[np.float32]
    sample_rate: int

    def __post_init__(self) -> None:
        if self.samples.ndim != 1:
            raise ValueError("PcmAudio holds mono samples (a 1-D array)")
        if self.sample_rate <= 0:
            raise ValueError("sample_rate must be positive")

    @property
    def duration_seconds(self) -> float:
        return len(self.samples) / self.sample_rate

    def as_int16(self) -> npt.NDArray[np.int16]:
        """The same samples as signed 16-bit integers (what Chromaprint consumes)."""
        clipped = np.clip(self.samples, -1.0, 32767 / 32768)
        return (clipped * 32768.0).astype(np.int16)

    def slice_seconds(self, start: float, end: float) -> PcmAudio:
        first = max(0, int(round(start * self.sample_rate)))
        last = min(len(self.samples), int(round(end * self.sample_rate)))
        return PcmAudio(self.samples[first:last], self.sample_rate)


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """Technical facts about an audio file, read by probing its container."""

    format: str
    codec: str
    duration_seconds: float
    sample_rate: int
    channels: int
    bitrate: int | None


@dataclass(frozen=True, slots=True)
class Tags:
    """Descriptive tags embedded in a file, and the length its header declares.

    Any of them may be missing. The declared length is kept apart from the probed one
    because some probes estimate length from the file size, which hides truncation.
    """

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    declared_seconds: float | None = None

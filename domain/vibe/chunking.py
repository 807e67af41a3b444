"""How the vibe lane cuts audio into the fixed windows it embeds (one vector per window)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.audio import PcmAudio

CHUNK_SECONDS = 10.0  # CLAP's training window
HOP_SECONDS = 5.0  # half-window overlap, so every moment is seen away from a window's edge
MIN_CHUNK_SECONDS = 1.0  # shorter audio carries too little to describe a "sound"


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """One window of exactly CHUNK_SECONDS of samples, and where it starts in the audio."""

    offset_seconds: float
    samples: npt.NDArray[np.float32]


def split_into_chunks(audio: PcmAudio) -> list[AudioChunk]:
    """Windows of 10 s every 5 s, stopping at the first window that reaches the end.

    The last window is filled by repeating its own audio (as CLAP's feature extractor pads
    short clips), so a 3 s snippet becomes one 10 s window rather than 3 s of sound and 7 s
    of silence. Stopping at the first window that covers the end means a tail is never
    embedded twice, and a clip of 1-10 s gives exactly one window; audio under
    MIN_CHUNK_SECONDS gives none.
    """
    rate = audio.sample_rate
    window = int(round(CHUNK_SECONDS * rate))
    hop = int(round(HOP_SECONDS * rate))
    total = len(audio.samples)
    if total < int(round(MIN_CHUNK_SECONDS * rate)):
        return []
    chunks: list[AudioChunk] = []
    start = 0
    while True:
        piece = audio.samples[start : start + window]
        chunks.append(AudioChunk(start / rate, _repeat_to(piece, window)))
        if start + window >= total:
            return chunks
        start += hop


def _repeat_to(samples: npt.NDArray[np.float32], length: int) -> npt.NDArray[np.float32]:
    if len(samples) == length:
        return samples.astype(np.float32, copy=False)
    repeats = -(-length // len(samples))
    return np.tile(samples, repeats)[:length].astype(np.float32, copy=False)

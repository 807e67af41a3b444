from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from domain.audio import EMBEDDING_RATE, PcmAudio
from domain.vibe.chunking import split_into_chunks
from domain.vibe.embedding import ChunkEmbeddings

_FRAME = 4096
_BANDS = np.geomspace(50.0, 16_000.0, 33)  # 32 log-spaced bands: the spectral shape
_CHROMA_RANGE = (55.0, 5_000.0)  # where pitch classes are resolvable with 4096-sample frames
_BIAS = 0.05  # keeps silence a unit vector rather than a zero vector
_SEED = 20_240_601


class InMemoryEmbedder:
    """A deterministic stand-in for CLAP, cheap enough for every use-case test.

    Each 10 s window (the same chunking as CLAP) is described by its log band energies and
    its chroma, both centred so that loudness alone does not make sounds alike, then
    projected to `dimension` by a fixed seeded random matrix and L2-normalised. Two pieces
    of one recording land close together; a sine and noise land far apart. Text is a sum of
    per-word seeded vectors: the same words give the same direction.
    """

    def __init__(self, dimension: int = 64, model_name: str = "memory-spectral-v1") -> None:
        self._dimension = dimension
        self._model_name = model_name
        features = len(_BANDS) - 1 + 12 + 1
        self._projection = np.random.default_rng(_SEED).standard_normal((features, dimension))

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def dimension(self) -> int:
        return self._dimension

    async def embed_audio(self, audio: PcmAudio) -> ChunkEmbeddings:
        if audio.sample_rate != EMBEDDING_RATE:
            raise ValueError(f"embeddings take {EMBEDDING_RATE} Hz audio, got {audio.sample_rate}")
        chunks = split_into_chunks(audio)
        vectors = np.zeros((len(chunks), self._dimension), dtype=np.float32)
        for row, chunk in enumerate(chunks):
            vectors[row] = _unit(_describe(chunk.samples) @ self._projection)
        offsets = np.array([chunk.offset_seconds for chunk in chunks], dtype=np.float32)
        return ChunkEmbeddings(vectors, offsets, self._model_name)

    async def embed_text(self, text: str) -> npt.NDArray[np.float32]:
        total = np.zeros(self._dimension)
        for word in text.lower().split() or [""]:
            seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
            total += np.random.default_rng(seed).standard_normal(self._dimension)
        return _unit(total)


def _describe(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    frames = samples[: len(samples) // _FRAME * _FRAME].reshape(-1, _FRAME)
    power = (np.abs(np.fft.rfft(frames * np.hanning(_FRAME), axis=1)) ** 2).mean(axis=0)
    freqs = np.fft.rfftfreq(_FRAME, 1.0 / EMBEDDING_RATE)
    band_of = np.digitize(freqs, _BANDS) - 1
    bands = np.array([power[band_of == band].sum() for band in range(len(_BANDS) - 1)])
    shape = np.log10(bands + 1e-10)
    shape -= shape.mean()
    low, high = _CHROMA_RANGE
    pitched = (freqs >= low) & (freqs <= high)
    pitch_class = np.round(12 * np.log2(freqs[pitched] / 440.0)).astype(int) % 12
    chroma = np.bincount(pitch_class, weights=power[pitched], minlength=12)
    chroma = chroma / max(chroma.sum(), 1e-10) - 1.0 / 12
    return np.concatenate([shape / 4.0, chroma * 4.0, [_BIAS]])


def _unit(vector: npt.NDArray[np.float64]) -> npt.NDArray[np.float32]:
    return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32)

from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from adapters.clap.mel import LogMelFrontend
from domain.audio import EMBEDDING_RATE, PcmAudio
from domain.vibe.chunking import split_into_chunks
from domain.vibe.embedding import ChunkEmbeddings


class ClapEmbedder:
    """CLAP audio and text towers behind the Embedder port.

    Built by `load_embedder`; one instance per process. torch holds the GIL only briefly, but
    two concurrent inferences would just split the same cores and double peak memory, so a
    Semaphore(1) lets one run at a time, in a worker thread so the event loop keeps serving.
    """

    def __init__(
        self,
        model: Any,
        feature_extractor: Any,
        tokenizer: Any,
        model_name: str,
        device: torch.device,
        batch_size: int = 8,
    ) -> None:
        """`model` already on `device`, in the dtype it should run in (see load_embedder)."""
        self._model = model
        self._features = feature_extractor
        self._tokenizer = tokenizer
        self._model_name = model_name
        self._device = device
        self._batch_size = max(1, batch_size)
        self._dimension = int(model.config.projection_dim)
        self._dtype = next(model.parameters()).dtype
        # Unfused checkpoints (the music ones) take one mel view, which torch computes fast;
        # fused ones need the extractor's four-view "fusion" input.
        fused = bool(model.config.audio_config.enable_fusion)
        self._frontend = None if fused else LogMelFrontend(feature_extractor, device)
        # RoBERTa positions start after the padding index: two fewer tokens than positions.
        self._max_tokens = int(model.config.text_config.max_position_embeddings) - 2
        self._turn = asyncio.Semaphore(1)

    @property
    def model_name(self) -> str:
        return self._model_name

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def device(self) -> torch.device:
        return self._device

    async def embed_audio(self, audio: PcmAudio) -> ChunkEmbeddings:
        if audio.sample_rate != EMBEDDING_RATE:
            raise ValueError(f"CLAP takes {EMBEDDING_RATE} Hz audio, got {audio.sample_rate} Hz")
        chunks = split_into_chunks(audio)
        offsets = np.array([chunk.offset_seconds for chunk in chunks], dtype=np.float32)
        if not chunks:
            empty = np.zeros((0, self._dimension), dtype=np.float32)
            return ChunkEmbeddings(empty, offsets, self._model_name)
        windows = [chunk.samples for chunk in chunks]
        async with self._turn:
            # A thread per batch, not per track: a cancelled caller (a server stopping)
            # leaves after one batch, not after a whole long track's inference.
            step = self._batch_size
            parts = [
                await asyncio.to_thread(self._embed_batch, windows[start : start + step])
                for start in range(0, len(windows), step)
            ]
        return ChunkEmbeddings(np.concatenate(parts, axis=0), offsets, self._model_name)

    async def embed_text(self, text: str) -> npt.NDArray[np.float32]:
        async with self._turn:
            return await asyncio.to_thread(self._embed_texts, [text])

    def embed_windows(self, windows: list[npt.NDArray[np.float32]]) -> npt.NDArray[np.float32]:
        """Blocking: one normalised vector per 10 s window, `batch_size` windows per forward."""
        parts = [
            self._embed_batch(windows[start : start + self._batch_size])
            for start in range(0, len(windows), self._batch_size)
        ]
        return np.concatenate(parts, axis=0)

    def _embed_batch(self, windows: list[npt.NDArray[np.float32]]) -> npt.NDArray[np.float32]:
        with torch.inference_mode():
            if self._frontend is not None:
                features = self._frontend(windows)
                longer = torch.zeros((len(windows), 1), dtype=torch.bool, device=self._device)
            else:
                inputs = self._features(
                    windows, sampling_rate=EMBEDDING_RATE, truncation="fusion", return_tensors="pt"
                )
                features = inputs["input_features"].to(self._device)
                longer = inputs["is_longer"].to(self._device)
            output = self._model.get_audio_features(
                input_features=features.to(self._dtype), is_longer=longer
            )
        return _normalised(output.pooler_output)

    def _embed_texts(self, texts: list[str]) -> npt.NDArray[np.float32]:
        tokens = self._tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self._max_tokens,
            return_tensors="pt",
        )
        with torch.inference_mode():
            output = self._model.get_text_features(
                input_ids=tokens["input_ids"].to(self._device),
                attention_mask=tokens["attention_mask"].to(self._device),
            )
        return _normalised(output.pooler_output)[0]


def _normalised(embeddings: torch.Tensor) -> npt.NDArray[np.float32]:
    # CLAP normalises already in most versions; doing it here makes it a guarantee.
    vectors = embeddings.detach().to("cpu", torch.float32).numpy()
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)

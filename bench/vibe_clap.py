"""CLAP inference time per 10 s chunk, through the production ClapEmbedder.embed_windows."""

from __future__ import annotations

import io
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import torch
from transformers import ClapAudioConfig, ClapConfig, ClapFeatureExtractor, ClapModel

from adapters.clap.embedder import ClapEmbedder
from adapters.clap.loader import load_embedder
from adapters.clap.precision import finish, is_quantised, storage_dtype
from domain.audio import EMBEDDING_RATE
from tests.support.tiny_clap import build_tiny_clap

# laion/larger_clap_music_and_speech: HTSAT-base audio tower, RoBERTa-base text tower, 512-d.
LARGER_CLAP_AUDIO = {"patch_embeds_hidden_size": 128, "hidden_size": 1024, "depths": [2, 2, 12, 2]}


@dataclass(frozen=True)
class ClapTiming:
    model: str
    precision: str
    device: str
    threads: int
    batch: int
    wall_per_chunk: float
    cpu_per_chunk: float


def tiny_embedder(device: str, precision: str) -> ClapEmbedder:
    directory = build_tiny_clap(Path(tempfile.mkdtemp(prefix="tiny-clap-")))
    embedder = load_embedder(str(directory), threads=1, device=device, precision=precision)
    assert embedder is not None
    return embedder


def full_size_embedder(device: str, precision: str) -> ClapEmbedder:
    """Random weights, the default checkpoint's architecture: same cost, no download."""
    torch.manual_seed(0)
    config = ClapConfig(audio_config=ClapAudioConfig(**LARGER_CLAP_AUDIO), projection_dim=512)
    dtype = storage_dtype(precision, torch.device(device))
    model = cast(torch.nn.Module, ClapModel(config)).eval().to(device, dtype)
    model = finish(model, precision)
    features = ClapFeatureExtractor(sampling_rate=EMBEDDING_RATE, truncation="rand_trunc")
    return ClapEmbedder(model, features, None, "random-larger-clap", torch.device(device))


def time_chunks(
    embedder: ClapEmbedder, name: str, threads: int, batch: int, repeats: int
) -> ClapTiming:
    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    windows = [
        (0.3 * rng.standard_normal(10 * EMBEDDING_RATE)).astype(np.float32) for _ in range(batch)
    ]
    one_batch = ClapEmbedder(
        embedder._model,
        embedder._features,
        embedder._tokenizer,
        name,
        embedder.device,
        batch_size=batch,
    )
    one_batch.embed_windows(windows)  # warm-up: allocations and kernel choice
    _sync(embedder.device)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        one_batch.embed_windows(windows)
    _sync(embedder.device)
    chunks = repeats * batch
    return ClapTiming(
        name,
        precision_of(embedder),
        embedder.device.type,
        threads,
        batch,
        (time.perf_counter() - wall) / chunks,
        (time.process_time() - cpu) / chunks,
    )


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def precision_of(embedder: ClapEmbedder) -> str:
    if is_quantised(embedder._model):
        return "int8"
    return str(embedder._dtype).removeprefix("torch.")


def weights_mb(embedder: ClapEmbedder) -> float:
    """Size of the saved state dict: counts int8 packed weights, which are not parameters."""
    buffer = io.BytesIO()
    torch.save(embedder._model.state_dict(), buffer)
    return buffer.tell() / 2**20

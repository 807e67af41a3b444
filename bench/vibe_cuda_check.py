"""Device check: the CLAP embedder on CUDA gives what it gives on CPU (inputs on the GPU).

python3 bench/vibe_cuda_check.py     # on a machine with a GPU; exits 1 on a mismatch
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.clap.loader import load_embedder
from tests.support.signals import noise, tone
from tests.support.tiny_clap import build_tiny_clap


async def compare(directory: Path) -> float:
    cpu = load_embedder(str(directory), device="cpu", precision="float32")
    gpu = load_embedder(str(directory), precision="float32")  # default device: CUDA
    assert cpu is not None and gpu is not None
    print("default device:", gpu.device, flush=True)
    assert gpu.device.type == "cuda", "no CUDA device was picked"
    worst = 1.0
    for audio in (tone(22.0, 440.0), noise(13.0, seed=2)):
        a, b = await cpu.embed_audio(audio), await gpu.embed_audio(audio)
        worst = min(worst, float((a.vectors * b.vectors).sum(axis=1).min()))
    text = float(await cpu.embed_text("a calm piano") @ await gpu.embed_text("a calm piano"))
    half = load_embedder(str(directory), precision="auto")
    assert half is not None
    print("auto precision on CUDA:", half._dtype, flush=True)
    h = await half.embed_audio(noise(13.0, seed=2))
    f = await gpu.embed_audio(noise(13.0, seed=2))
    print(f"bf16 vs f32 on CUDA, worst cosine {float((h.vectors * f.vectors).sum(1).min()):.5f}")
    return min(worst, text)


def main() -> None:
    torch.manual_seed(0)
    directory = build_tiny_clap(Path(tempfile.mkdtemp(prefix="tiny-clap-")))
    worst = asyncio.run(compare(directory))
    print(f"CPU vs CUDA (float32), worst cosine over audio chunks and text: {worst:.6f}")
    sys.exit(0 if worst > 0.999 and np.isfinite(worst) else 1)


if __name__ == "__main__":
    main()

"""Loading CLAP once per process: the vibe lane's only expensive start-up step."""

from __future__ import annotations

from typing import cast

import numpy as np
import torch
from transformers import ClapModel, ClapProcessor
from transformers.utils import logging as transformers_logging

from adapters.clap.embedder import ClapEmbedder
from adapters.clap.hub import ModelSource, locate, route_library_logs, unavailable
from adapters.clap.precision import finish, storage_dtype
from domain.audio import EMBEDDING_RATE, PcmAudio
from domain.errors import LaneUnavailable
from domain.vibe.chunking import split_into_chunks

DEFAULT_MODEL = "laion/larger_clap_music_and_speech"
DISABLED = "none"
WARM_UP_SECONDS = 5.0


def load_embedder(
    model: str | ModelSource = DEFAULT_MODEL,
    threads: int = 1,
    device: str | None = None,
    batch_size: int = 8,
    precision: str = "auto",
) -> ClapEmbedder | None:
    """Load CLAP from a Hugging Face id or a local directory and warm it up; `model` may
    be already located (`hub.locate`, which fails fast without importing torch).

    Returns None when `model` is "none" (the vibe lane switched off on purpose). Raises
    LaneUnavailable, with the reason, when the weights cannot be loaded (no network, bad
    path, not a CLAP checkpoint), so the caller can start without the vibe lane. Blocking:
    call it once at start-up (from a worker thread if an event loop is running).

    `threads` sets torch's intra-op threads for the whole process; `device` defaults to
    CUDA when available, else CPU. `precision` is "float32", "bfloat16", "int8" (CPU only,
    Linear layers dynamically quantised) or "auto": bfloat16 where the hardware runs it
    natively (CUDA, or CPUs with AVX-512 BF16 / AMX), which halves CPU time per chunk and
    memory for a cosine of 0.99998 to float32 vectors; float32 elsewhere (see precision.py).
    An unknown precision raises ValueError; int8 on a GPU, LaneUnavailable.
    """
    if isinstance(model, str) and model.strip().lower() in (DISABLED, ""):
        return None
    located = locate(model) if isinstance(model, str) else model
    route_library_logs()
    torch.set_num_threads(max(1, threads))
    target = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    dtype = storage_dtype(precision, target)
    transformers_logging.disable_progress_bar()
    try:
        # cast: transformers' typing of `.to` confuses pyright; nn.Module's is exact.
        only_cached = located.local_files_only
        network = cast(
            torch.nn.Module,
            ClapModel.from_pretrained(located.source, local_files_only=only_cached),
        )
        network = finish(network.to(target, dtype).eval(), precision)
        processor = ClapProcessor.from_pretrained(located.source, local_files_only=only_cached)
    except LaneUnavailable:
        raise
    except Exception as exc:  # from_pretrained fails in many ways (OSError, ValueError, ...)
        first_line = (str(exc).strip().splitlines() or [""])[0]
        cause = f"{type(exc).__name__}: {first_line}"
        why = f"the CLAP model {located.name!r} cannot be loaded ({cause})"
        raise unavailable(located.name, why, type(exc).__name__) from exc
    embedder = ClapEmbedder(
        network,
        processor.feature_extractor,
        processor.tokenizer,
        model_name=located.name,
        device=target,
        batch_size=batch_size,
    )
    # First inference allocates and picks kernels; pay it now rather than on a user's query.
    silence = np.zeros(int(WARM_UP_SECONDS * EMBEDDING_RATE), dtype=np.float32)
    embedder.embed_windows(
        [c.samples for c in split_into_chunks(PcmAudio(silence, EMBEDDING_RATE))]
    )
    return embedder

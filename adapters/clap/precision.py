"""How CLAP's weights are held: float32, bfloat16, or int8 (dynamically quantised) on CPU."""

from __future__ import annotations

import warnings

import torch
from torch.ao.nn.quantized.dynamic import Linear as QuantisedLinear

from domain.errors import LaneUnavailable
from domain.vibe.embedding import EMBEDDING_PRECISIONS as PRECISIONS


def storage_dtype(precision: str, device: torch.device) -> torch.dtype:
    """The dtype to move the model to before `finish` (int8 starts from float32).

    "auto" is bfloat16 where the hardware runs it natively (CUDA, or CPUs with AVX-512
    BF16 / AMX), float32 elsewhere: it never picks int8, whose vectors drift further
    (cosine about 0.999 to float32) and which must be asked for.

    An unknown precision is a programming error (settings validate it): ValueError. int8
    asked of a GPU is this machine's limit, so the vibe lane is unavailable: LaneUnavailable.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision is one of {', '.join(PRECISIONS)}; got {precision!r}")
    if precision == "int8" and device.type != "cpu":
        raise LaneUnavailable(
            f"the vibe lane is unavailable: precision 'int8' runs on CPU only, not on "
            f"{device.type} (EMBEDDING_PRECISION)",
            {"precision": precision, "device": device.type},
        )
    if precision == "auto":
        return torch.bfloat16 if _native_bfloat16(device) else torch.float32
    return torch.bfloat16 if precision == "bfloat16" else torch.float32


def finish(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """Quantise the Linear layers to int8 when asked; otherwise the model as it is.

    Dynamic quantisation keeps weights in int8 and quantises activations per batch, so
    it needs no calibration data. On CPUs without AVX-512 BF16 (AVX2 only) it is 1.4-1.9x
    faster than float32 per chunk (bench/RESULTS.md): Linear layers are most of HTSAT's work.
    """
    if precision != "int8":
        return model
    with warnings.catch_warnings():
        # torch marks its eager quantisation API as moving to torchao; it is the CPU path
        # with fbgemm kernels in the pinned torch.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def is_quantised(model: torch.nn.Module) -> bool:
    """Whether `finish` quantised this model (its Linear layers hold int8 weights)."""
    return any(isinstance(module, QuantisedLinear) for module in model.modules())


def _native_bfloat16(device: torch.device) -> bool:
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return torch.backends.mkldnn.is_available() and bool(
        torch.ops.mkldnn._is_mkldnn_bf16_supported()
    )

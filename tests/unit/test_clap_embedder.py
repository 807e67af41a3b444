from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import ClapFeatureExtractor

from adapters.clap.embedder import ClapEmbedder
from adapters.clap.loader import load_embedder
from adapters.clap.mel import LogMelFrontend
from adapters.clap.precision import is_quantised, storage_dtype
from domain.errors import LaneUnavailable
from tests.support.signals import noise, tone


async def test_batched_inference_equals_one_window_at_a_time(clap: ClapEmbedder) -> None:
    audio = noise(27.0, seed=3)
    batched = await clap.embed_audio(audio)
    one_by_one = ClapEmbedder(
        clap._model, clap._features, clap._tokenizer, clap.model_name, clap.device, batch_size=1
    )

    single = await one_by_one.embed_audio(audio)

    assert np.allclose(batched.vectors, single.vectors, atol=1e-5)


def test_none_switches_the_lane_off() -> None:
    assert load_embedder("none") is None
    assert load_embedder(" None ") is None


def test_missing_weights_make_the_lane_unavailable(tmp_path: Path) -> None:
    with pytest.raises(LaneUnavailable, match="no model directory") as raised:
        load_embedder(str(tmp_path / "no-such-model"))

    assert raised.value.code == "LANE_UNAVAILABLE"


def test_a_directory_without_a_model_makes_the_lane_unavailable(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")

    with pytest.raises(LaneUnavailable):
        load_embedder(str(tmp_path))


def test_the_torch_frontend_computes_what_the_feature_extractor_does(tiny_clap_dir: Path) -> None:
    extractor = ClapFeatureExtractor.from_pretrained(tiny_clap_dir)
    windows = [
        tone(10.0, 440.0).samples,
        noise(10.0, seed=5).samples,
        np.zeros(480_000, dtype=np.float32),
    ]

    ours = LogMelFrontend(extractor, torch.device("cpu"))(windows)
    theirs = extractor(windows, sampling_rate=48_000, return_tensors="pt")["input_features"]

    assert ours.shape == theirs.shape == (3, 1, 1001, 64)
    assert torch.allclose(ours, theirs, atol=0.1)
    assert float((ours - theirs).abs().mean()) < 1e-3


def test_the_frontend_takes_whole_windows_only(tiny_clap_dir: Path) -> None:
    frontend = LogMelFrontend(
        ClapFeatureExtractor.from_pretrained(tiny_clap_dir), torch.device("cpu")
    )

    with pytest.raises(ValueError, match="480000"):
        frontend([np.zeros(1000, dtype=np.float32)])


async def test_bfloat16_gives_nearly_the_float32_vectors(
    clap: ClapEmbedder, tiny_clap_dir: Path
) -> None:
    half = load_embedder(str(tiny_clap_dir), device="cpu", precision="bfloat16")
    assert half is not None
    audio = noise(15.0, seed=8)

    exact, approximate = await clap.embed_audio(audio), await half.embed_audio(audio)

    cosines = (exact.vectors * approximate.vectors).sum(axis=1)
    assert approximate.vectors.dtype == np.float32
    assert cosines.min() > 0.99


async def test_int8_quantises_the_linear_layers_and_keeps_the_vectors_close(
    clap: ClapEmbedder, tiny_clap_dir: Path
) -> None:
    quantised = load_embedder(str(tiny_clap_dir), device="cpu", precision="int8")
    assert quantised is not None
    audio = noise(15.0, seed=8)

    exact, approximate = await clap.embed_audio(audio), await quantised.embed_audio(audio)
    words = await clap.embed_text("a calm piano"), await quantised.embed_text("a calm piano")

    assert is_quantised(quantised._model)
    assert not [m for m in quantised._model.modules() if type(m) is torch.nn.Linear]
    assert approximate.vectors.dtype == np.float32
    assert (exact.vectors * approximate.vectors).sum(axis=1).min() > 0.98
    assert float(words[0] @ words[1]) > 0.98


def test_an_unknown_precision_is_a_configuration_error(tiny_clap_dir: Path) -> None:
    with pytest.raises(ValueError, match="precision"):
        load_embedder(str(tiny_clap_dir), precision="int4")


def test_int8_is_refused_on_a_gpu() -> None:
    with pytest.raises(LaneUnavailable, match="CPU only"):
        storage_dtype("int8", torch.device("cuda"))

"""The service's CLAP start-up: loaded, or switched off with a reason, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.clap.embedder import ClapEmbedder
from adapters.clap.precision import is_quantised
from entrypoints.settings import Settings, SettingsError
from entrypoints.wiring.clap import load_clap
from tests.support.tiny_clap import TINY_DIMENSION


def _settings(tmp_path: Path, model: str, dimension: int, precision: str = "auto") -> Settings:
    return Settings.from_env(
        {
            "AUDIO_STORAGE_ROOT": str(tmp_path),
            "EMBEDDING_MODEL": model,
            "EMBEDDING_DIM": str(dimension),
            "EMBEDDING_PRECISION": precision,
        }
    )


async def test_the_configured_model_is_loaded(tmp_path: Path, tiny_clap_dir: Path) -> None:
    embedder, reason = await load_clap(_settings(tmp_path, str(tiny_clap_dir), TINY_DIMENSION))
    assert embedder is not None
    assert embedder.dimension == TINY_DIMENSION
    assert reason == ""


async def test_a_dimension_mismatch_switches_the_lane_off_with_a_reason(
    tmp_path: Path, tiny_clap_dir: Path
) -> None:
    embedder, reason = await load_clap(_settings(tmp_path, str(tiny_clap_dir), 512))
    assert embedder is None
    assert f"{TINY_DIMENSION}-d" in reason
    assert "EMBEDDING_DIM=512" in reason


async def test_missing_weights_and_none_are_explained(tmp_path: Path) -> None:
    missing, why = await load_clap(_settings(tmp_path, str(tmp_path / "no-model"), 512))
    off, because = await load_clap(_settings(tmp_path, "none", 512))
    assert missing is None
    assert "no model directory" in why
    assert off is None
    assert "EMBEDDING_MODEL=none" in because


async def test_embedding_precision_reaches_the_loader(tmp_path: Path, tiny_clap_dir: Path) -> None:
    settings = _settings(tmp_path, str(tiny_clap_dir), TINY_DIMENSION, precision="INT8")
    embedder, reason = await load_clap(settings)
    assert isinstance(embedder, ClapEmbedder), reason
    assert is_quantised(embedder._model)


def test_an_unknown_embedding_precision_is_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="EMBEDDING_PRECISION='fp8'"):
        _settings(tmp_path, "none", 512, precision="fp8")

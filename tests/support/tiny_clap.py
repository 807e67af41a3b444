"""A CLAP small enough to build in a second: random weights, real architecture and I/O."""

from __future__ import annotations

from pathlib import Path

import torch
from transformers import (
    ClapConfig,
    ClapFeatureExtractor,
    ClapModel,
    ClapProcessor,
    RobertaTokenizer,
)

TINY_DIMENSION = 24
_WORDS = ["a", "calm", "piano", "with", "rain", "loud", "drums", "the", "sound", "guitar"]


def build_tiny_clap(directory: Path) -> Path:
    """Save a tiny random CLAP (model, tokenizer, 48 kHz feature extractor) to `directory`."""
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    letters = [chr(code) for code in range(ord("a"), ord("z") + 1)]
    tokens = specials + [f"Ġ{word}" for word in _WORDS] + letters + ["Ġ"]
    tokenizer = RobertaTokenizer(vocab={token: i for i, token in enumerate(tokens)}, merges=[])
    features = ClapFeatureExtractor(sampling_rate=48_000, truncation="rand_trunc")
    config = ClapConfig(
        text_config={
            "vocab_size": len(tokens),
            "hidden_size": 32,
            "num_hidden_layers": 1,
            "num_attention_heads": 2,
            "intermediate_size": 64,
            "max_position_embeddings": 66,
        },
        audio_config={
            "patch_embeds_hidden_size": 16,
            "hidden_size": 32,
            "depths": [1, 1],
            "num_attention_heads": [2, 2],
        },
        projection_dim=TINY_DIMENSION,
    )
    torch.manual_seed(0)
    ClapModel(config).save_pretrained(directory)
    ClapProcessor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(directory)
    return directory

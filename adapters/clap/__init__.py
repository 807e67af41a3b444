"""CLAP (transformers + torch): the vibe lane's audio and text embedder."""

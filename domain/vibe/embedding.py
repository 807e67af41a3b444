"""Audio embeddings of fixed-length chunks (the vibe lane)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# How the embedding model's weights may be held; "auto" lets the adapter pick for the hardware.
EMBEDDING_PRECISIONS = ("auto", "float32", "bfloat16", "int8")


@dataclass(frozen=True, slots=True)
class ChunkEmbeddings:
    """One L2-normalised vector per chunk, and where each chunk starts in the audio."""

    vectors: npt.NDArray[np.float32]
    offsets_seconds: npt.NDArray[np.float32]
    model: str

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != self.offsets_seconds.shape[0]:
            raise ValueError("vectors must be (chunks, dim) with one offset per chunk")

    @property
    def dimension(self) -> int:
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

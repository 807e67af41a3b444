from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from domain.audio import PcmAudio
from domain.vibe.embedding import ChunkEmbeddings


class Embedder(Protocol):
    """Embeds 48 kHz audio chunks and text into one shared vector space (CLAP)."""

    @property
    def model_name(self) -> str:
        """What produced the vectors; stored with them so a model change can be noticed."""
        ...

    @property
    def dimension(self) -> int: ...

    async def embed_audio(self, audio: PcmAudio) -> ChunkEmbeddings:
        """One L2-normalised vector per chunk (domain.vibe.chunking rules); none under 1 s.

        Raises ValueError for audio that is not at EMBEDDING_RATE.
        """
        ...

    async def embed_text(self, text: str) -> npt.NDArray[np.float32]:
        """One L2-normalised vector for a sentence, comparable with the audio vectors."""
        ...

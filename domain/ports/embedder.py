from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

from domain.audio import PcmAudio
from domain.embedding import ChunkEmbeddings


class Embedder(Protocol):
    """Embeds 48 kHz audio chunks and text into one shared vector space (CLAP)."""

    @property
    def model_name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    async def embed_audio(self, audio: PcmAudio) -> ChunkEmbeddings: ...

    async def embed_text(self, text: str) -> npt.NDArray[np.float32]: ...

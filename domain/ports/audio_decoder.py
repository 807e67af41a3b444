from __future__ import annotations

from pathlib import Path
from typing import Protocol

from domain.audio import AudioInfo, PcmAudio


class AudioDecoder(Protocol):
    """Reads any supported audio file.

    Raises InvalidAudio (code EMPTY_FILE) for an empty file and DecodingFailed, with a
    clear reason, for anything that is not readable audio.
    """

    async def probe(self, path: Path) -> AudioInfo:
        """Container and stream facts without decoding the whole file."""
        ...

    async def decode(
        self, path: Path, sample_rate: int, max_seconds: float | None = None
    ) -> PcmAudio:
        """The first audio stream, downmixed to mono float32 at `sample_rate`.

        With `max_seconds`, decoding stops there: a caller that refuses long audio learns
        it from a result that reaches the limit, without decoding (or probing) the rest.
        """
        ...

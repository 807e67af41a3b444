from __future__ import annotations

from typing import Protocol

from domain.audio import PcmAudio
from domain.exact.fingerprint import Chromaprint


class DedupFingerprinter(Protocol):
    """Computes a whole-recording fingerprint used to spot re-encoded copies at ingest."""

    async def fingerprint(self, audio: PcmAudio) -> Chromaprint: ...

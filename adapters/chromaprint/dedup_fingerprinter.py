from __future__ import annotations

import asyncio

from domain.audio import PcmAudio
from domain.exact.fingerprint import Chromaprint


class ChromaprintDedupFingerprinter:
    """libchromaprint in process (pyacoustid's binding); fed the 16 kHz stream as s16."""

    async def fingerprint(self, audio: PcmAudio) -> Chromaprint:
        return await asyncio.to_thread(self._fingerprint, audio)

    def _fingerprint(self, audio: PcmAudio) -> Chromaprint:
        # Imported at first use: loading the library (ctypes) is 0.02 s of every command's
        # start-up, and only ingesting needs it.
        import chromaprint  # type: ignore[import-untyped]

        printer = chromaprint.Fingerprinter()
        printer.start(audio.sample_rate, 1)
        printer.feed(audio.as_int16().tobytes())
        encoded = printer.finish()
        words, _algorithm = chromaprint.decode_fingerprint(encoded)
        return Chromaprint.from_ints(list(words))

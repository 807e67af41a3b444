"""Exact lane of identification: which library recording is this clip, and where in it."""

from __future__ import annotations

from collections.abc import Sequence

from application.identify.exact_passes import (
    SPEEDS,
    Pass,
    PassResults,
    best_per_track,
    exact_passes,
    run_passes,
)
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.fingerprint import MAX_STRETCH, LandmarkFingerprint
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex


class IdentifyExact:
    """Fingerprints decoded 16 kHz query audio, all of it, and returns verified exact matches
    (IdentifyClip passes the part of a clip that its SearchPolicy says to look at).

    Unknown audio, silence and clips too short to hold a landmark give an empty list, not an
    error. The passes (exact_passes) run until one finds a match confident after the tries
    made; confidence is the index's chance-based score corrected for the number of prints
    tried (k independent tries: confidence ** k), so extra passes do not buy false hits; the
    slopes a stretched print tries are counted by the index's own chance model.
    """

    def __init__(
        self,
        fingerprinter: Fingerprinter,
        index: FingerprintIndex,
        *,
        min_confidence: float = 0.5,
        accept_confidence: float = 0.99,
        speeds: Sequence[float] = SPEEDS,
        stretch: float = MAX_STRETCH,  # time scales the first two passes fit
    ) -> None:
        self._fingerprinter = fingerprinter
        self._index = index
        self._min_confidence = min_confidence
        self._accept_confidence = accept_confidence
        self._passes = exact_passes(stretch, speeds)

    async def __call__(self, audio: PcmAudio, limit: int = 5) -> list[ExactMatch]:
        if audio.sample_rate != FINGERPRINT_RATE:
            raise ValueError(f"exact identification needs {FINGERPRINT_RATE} Hz audio")
        if limit <= 0 or len(audio.samples) == 0:
            return []

        async def prints_of(analyses: Pass) -> list[LandmarkFingerprint]:
            return await self._fingerprinter.prints(audio, analyses)

        def settled(results: PassResults) -> bool:
            return results.best() >= self._accept_confidence

        results = await run_passes(self._passes, prints_of, self._index, limit, settled)
        return best_per_track(results, self._min_confidence, limit)

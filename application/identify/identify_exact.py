"""Exact lane of identification: which library recording is this clip, and where in it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from application.identify.exact_lookup import match_exact
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import INDEXED, STRETCHABLE, LandmarkAnalysis, dense
from domain.exact.fingerprint import MAX_STRETCH
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex

# Assumed playback speeds for the last pass's pair hashes. The slope fit of the first two
# passes finds off-speed clips, so the last pass, for heavy noise, only looks as played:
# trying 0.97..1.03 there too found nothing more on either dev query set and tripled its cost.
SPEEDS = (1.0,)


class IdentifyExact:
    """Fingerprints decoded 16 kHz query audio, all of it, and returns verified exact matches
    (IdentifyClip passes the part of a clip that its SearchPolicy says to look at).

    Unknown audio, silence and clips too short to hold a landmark give an empty list, not an
    error. Confidence is the index's chance-based score, corrected for the number of prints
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
        # Three passes, each only when the ones before found nothing confident. The first
        # uses the index's own (sparse) analysis: a clean clip then yields the very hashes
        # the index holds, with few lookups, which is what keeps large indexes fast. The
        # second adds probed scale-free triplets and fits the time scale, so tempo, pitch
        # and speed changes cost one lookup; the last, for heavy noise, retries dense pairs
        # at every assumed speed with hashes tolerant of peaks moved by a frame.
        self._passes: tuple[tuple[LandmarkAnalysis, ...], ...] = (
            (dataclasses.replace(INDEXED, stretch=stretch),),
            (dataclasses.replace(STRETCHABLE, stretch=stretch),),
            tuple(dense(speed, tolerant=True) for speed in speeds),
        )

    async def __call__(self, audio: PcmAudio, limit: int = 5) -> list[ExactMatch]:
        if audio.sample_rate != FINGERPRINT_RATE:
            raise ValueError(f"exact identification needs {FINGERPRINT_RATE} Hz audio")
        if limit <= 0 or len(audio.samples) == 0:
            return []
        found: list[ExactMatch] = []
        tries = 0
        for analyses in self._passes:
            for fingerprint in await self._fingerprinter.prints(audio, analyses):
                if len(fingerprint):
                    found += await match_exact(self._index, fingerprint, limit)
                tries += 1
            best = max((m.confidence for m in found), default=0.0)
            if best**tries >= self._accept_confidence:
                break
        return self._best(found, tries=tries, limit=limit)

    def _best(self, found: list[ExactMatch], tries: int, limit: int) -> list[ExactMatch]:
        best: dict[object, ExactMatch] = {}
        for match in found:
            held = best.get(match.track_id)
            if held is None or (match.confidence, match.aligned_hashes) > (
                held.confidence,
                held.aligned_hashes,
            ):
                best[match.track_id] = match
        kept = [
            _with_confidence(m, m.confidence**tries)
            for m in best.values()
            if m.confidence**tries >= self._min_confidence
        ]
        kept.sort(key=lambda m: (-m.confidence, -m.aligned_hashes))
        return kept[:limit]


def _with_confidence(match: ExactMatch, confidence: float) -> ExactMatch:
    return dataclasses.replace(match, confidence=round(confidence, 6))

"""Exact lane of identification: which library recording is this clip, and where in it."""

from __future__ import annotations

from collections.abc import Sequence

from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import Fingerprinter, FingerprintIndex

# Assumed playback speeds, most likely first. A first pass tries only 1.0 with plain hashes;
# the rest (and tolerant hashes) only run when that gives no confident answer, so the common
# case pays for one lookup.
SPEEDS = (1.0, 0.98, 1.02, 0.99, 1.01, 0.97, 1.03)


class IdentifyExact:
    """Fingerprints decoded 16 kHz query audio and returns verified exact matches.

    Unknown audio, silence and clips too short to hold a landmark give an empty list, not an
    error. Confidence is the index's chance-based score, corrected for the number of speeds
    tried (k independent tries: confidence ** k), so trying speeds does not buy false hits.
    """

    def __init__(
        self,
        fingerprinter: Fingerprinter,
        index: FingerprintIndex,
        *,
        min_confidence: float = 0.5,
        accept_confidence: float = 0.99,
        speeds: Sequence[float] = SPEEDS,
        max_seconds: float = 30.0,
    ) -> None:
        self._fingerprinter = fingerprinter
        self._index = index
        self._min_confidence = min_confidence
        self._accept_confidence = accept_confidence
        self._speeds = tuple(speeds)
        self._max_seconds = max_seconds

    async def __call__(self, audio: PcmAudio, limit: int = 5) -> list[ExactMatch]:
        if audio.sample_rate != FINGERPRINT_RATE:
            raise ValueError(f"exact identification needs {FINGERPRINT_RATE} Hz audio")
        if limit <= 0 or len(audio.samples) == 0:
            return []
        clip = audio.slice_seconds(0.0, self._max_seconds)
        (plain,) = await self._fingerprinter.query(clip, self._speeds[:1])
        if len(plain) == 0:
            return []
        found = await self._index.match(plain, limit)
        if found and found[0].confidence >= self._accept_confidence:
            return self._best(found, tries=1, limit=limit)
        # Second pass: every assumed speed, and hashes tolerant of peaks moved by a frame.
        prints = await self._fingerprinter.query(clip, self._speeds, tolerant=True)
        for variant in prints:
            found += await self._index.match(variant, limit)
        return self._best(found, tries=1 + len(prints), limit=limit)

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
    return ExactMatch(
        track_id=match.track_id,
        offset_seconds=match.offset_seconds,
        aligned_hashes=match.aligned_hashes,
        confidence=round(confidence, 6),
        query_start=match.query_start,
        query_end=match.query_end,
    )

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from domain.audio import PcmAudio
from domain.exact.fingerprint import LandmarkFingerprint, LandmarkFraming
from domain.matches import ExactMatch
from domain.ports.projection_store import ProjectionStore


class Fingerprinter(Protocol):
    """Extracts landmark hashes from mono 16 kHz audio (CPU-bound; adapters run it off-loop)."""

    @property
    def framing(self) -> LandmarkFraming:
        """Its frame length and the audio context a landmark depends on (for streams)."""
        ...

    async def reference(self, audio: PcmAudio) -> LandmarkFingerprint:
        """Landmarks for indexing a library track (sparse: keeps the index small).

        The same analysis of a query clip is its cheapest first look: a clean clip then
        yields the very hashes the index holds, with few lookups.
        """
        ...

    async def stretched(self, audio: PcmAudio) -> LandmarkFingerprint:
        """Landmarks for a query clip that may be time-stretched or pitch-shifted.

        Dense pair hashes as played plus triplet hashes built from time and frequency ratios
        (which a tempo change, a pitch shift or an off-speed playback leave alone), probed
        at their cell edges; `stretch` > 0 tells the index to fit a slope, not just an
        offset. One lookup covers tempo and speed changes up to about +-10 %.
        """
        ...

    async def query(
        self, audio: PcmAudio, speeds: Sequence[float] = (1.0,), tolerant: bool = False
    ) -> list[LandmarkFingerprint]:
        """Landmarks for a query clip, denser than reference ones, one per assumed speed.

        For each speed s the clip is analysed as if it were the reference played s times
        faster (tempo and pitch together), so a sped-up clip still yields reference hashes.
        The result is in the order of `speeds`; peaks are found once, so extra speeds are cheap.
        `tolerant` adds variants of each hash for peaks that moved by one analysis frame
        (noise shifts them): about three times the lookups, for clips a plain pass missed.
        """
        ...


class FingerprintIndex(ProjectionStore, Protocol):
    """The inverted index of landmark hashes (a projection of the event log)."""

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint) -> int:
        """Index a track, replacing whatever it had before (idempotent); returns the number
        of entries now stored for it (what `hash_count` will report once it is live)."""
        ...

    async def match(self, fingerprint: LandmarkFingerprint, limit: int) -> list[ExactMatch]:
        """Tracks whose hashes line up with the query at one offset, best first.

        Every candidate is verified (hits re-counted in a narrow band around its offset) and
        carries a confidence in [0, 1]: how unlikely its alignment is by chance, given the
        query's length and the hits the index returned. Weak candidates may be included;
        callers choose their own confidence threshold.
        """
        ...

    async def hash_count(self, track_id: UUID) -> int | None:
        """Hashes stored for a track, None if the index does not hold it."""
        ...

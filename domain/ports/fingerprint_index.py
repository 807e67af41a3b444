from __future__ import annotations

from typing import Protocol
from uuid import UUID

from domain.audio import PcmAudio
from domain.fingerprint import LandmarkFingerprint
from domain.matches import ExactMatch


class Fingerprinter(Protocol):
    """Extracts landmark hashes from mono 16 kHz audio (CPU-bound; adapters run it off-loop)."""

    async def reference(self, audio: PcmAudio) -> LandmarkFingerprint:
        """Landmarks for indexing a library track."""
        ...

    async def query(self, audio: PcmAudio) -> LandmarkFingerprint:
        """Landmarks for a query clip (may be denser than reference ones)."""
        ...


class FingerprintIndex(Protocol):
    """The inverted index of landmark hashes (a projection of the event log)."""

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint) -> None:
        """Index a track, replacing whatever it had before (idempotent)."""
        ...

    async def remove(self, track_id: UUID) -> None:
        """Forget a track; removing an unknown track is not an error."""
        ...

    async def match(self, fingerprint: LandmarkFingerprint, limit: int) -> list[ExactMatch]:
        """Tracks whose hashes line up with the query at one offset, best first."""
        ...

    async def hash_count(self, track_id: UUID) -> int | None:
        """Hashes stored for a track, None if the index does not hold it."""
        ...

    async def clear(self) -> None:
        """Drop everything (replay from scratch)."""
        ...

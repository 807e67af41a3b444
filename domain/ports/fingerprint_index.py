from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar
from uuid import UUID

import numpy as np
import numpy.typing as npt

from domain.audio import PcmAudio
from domain.exact.analysis import LandmarkAnalysis
from domain.exact.fingerprint import LandmarkFingerprint, LandmarkFraming
from domain.ports.projection_store import ProjectionStore

T = TypeVar("T")


class Fingerprinter(Protocol):
    """Extracts landmark hashes from mono 16 kHz audio (CPU-bound; adapters run it off-loop)."""

    @property
    def framing(self) -> LandmarkFraming:
        """Its frame length and the audio context a landmark depends on (for streams)."""
        ...

    async def prints(
        self, audio: PcmAudio, analyses: Sequence[LandmarkAnalysis]
    ) -> list[LandmarkFingerprint]:
        """One print per analysis (domain.exact.analysis), in their order; the audio's peaks
        are found once for all of them. Each print's `speed` and `stretch` are its
        analysis's. Raises ValueError for audio that is not at FINGERPRINT_RATE."""
        ...


class IndexSnapshot(Protocol):
    """One consistent view of the landmark index, for the matcher (domain.exact.matcher).

    Its calls block: `FingerprintIndex.read` runs the matcher off the event loop. Every
    index answers in the same terms and order, so that the one matcher scores identically
    whatever store serves it. Entries are packed as domain.exact.hits.pack_entries does.
    """

    @property
    def total_frames(self) -> int:
        """Analysis frames indexed in all (how many places a chance alignment could fall)."""
        ...

    def counts(self, hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """How many entries each of these hashes (distinct, sorted) holds."""
        ...

    def postings(
        self, hashes: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        """Every entry under these hashes (distinct, sorted): its hash and its packed
        (track number, frame), sorted by hash, then by value."""
        ...

    def track_frames(self, number: int) -> int:
        """Frames of the track with this number (0 if there is none)."""
        ...

    def track_id(self, number: int) -> UUID | None:
        """The id of the track with this number, None if it is gone."""
        ...


class FingerprintIndex(ProjectionStore, Protocol):
    """The inverted index of landmark hashes (a projection of the event log): storage only;
    what matches is decided by domain.exact.matcher over a snapshot."""

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint, position: int = 0) -> int:
        """Index a track, replacing whatever it had before (idempotent); returns the number
        of entries now stored for it (what `hash_count` will report once it is live).

        `position`: the event this write applies. An index of one node's own (LMDB) keeps
        the highest in the same transaction as the entries, so a copy of it says how far
        into the log it goes (`applied_position`); a shared one may ignore it."""
        ...

    async def read(self, work: Callable[[IndexSnapshot], T]) -> T:
        """`work` over one consistent snapshot of the live index, run off the event loop."""
        ...

    async def applied_position(self) -> int:
        """The highest event position a `put` into the live index applied (0: unknown, or
        an index that does not keep it). A new node started on a copy of a peer's index
        resumes the log from there instead of replaying it."""
        ...

    async def hash_count(self, track_id: UUID) -> int | None:
        """Hashes stored for a track, None if the index does not hold it."""
        ...

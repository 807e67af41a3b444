"""The snapshot of an index that holds nothing yet (before its first write)."""

from __future__ import annotations

from uuid import UUID

import numpy as np
import numpy.typing as npt


class EmptySnapshot:
    """IndexSnapshot of an index nothing was written to yet."""

    total_frames = 0

    def counts(self, hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        return np.zeros(len(hashes), np.int64)

    def postings(
        self, hashes: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        return np.zeros(0, np.uint64), np.zeros(0, np.uint64)

    def track_frames(self, number: int) -> int:
        return 0

    def track_id(self, number: int) -> UUID | None:
        return None


EMPTY = EmptySnapshot()

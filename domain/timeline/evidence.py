"""Where in a window a match's evidence lies: its aligned hits, less the stray ones.

A match's first and last aligned hits are where a segment's edges come from. A true
alignment's hits come many a second; a chance hit on the same line (more likely with dense
prints and probed triplets, and on a fitted slope) stands alone, and taken as an edge it
would stretch a track over the audio after it. So a hit counts for the span only with
`NEIGHBOURS` other hits within `WITHIN` seconds of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NEIGHBOURS = 2
WITHIN = 1.0  # seconds


def evidence_span(times: Sequence[float]) -> tuple[float, float] | None:
    """First and last query time (seconds) of the hits that are not alone; None if all are."""
    ordered = np.sort(np.asarray(times, np.float64))
    if len(ordered) == 0:
        return None
    low = np.searchsorted(ordered, ordered - WITHIN, side="left")
    high = np.searchsorted(ordered, ordered + WITHIN, side="right")
    kept = ordered[high - low - 1 >= NEIGHBOURS]
    if len(kept) == 0:
        return None
    return float(kept[0]), float(kept[-1])

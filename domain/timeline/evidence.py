"""Where in a window a match's evidence lies: its aligned hits, less the stray ones.

A match's first and last aligned hits are where a segment's edges come from. A true
alignment's hits come at the pace its audio gives them (many a second for a clean track,
a few for a pitch-shifted one, thinning out in a fade); a chance hit on the same line
(likelier with dense prints, probed triplets and a fitted slope) stands apart from them,
and taken as an edge it would stretch a track over the audio after it. So a group of fewer
than `MIN_GROUP` hits at either end, cut off from the rest by a gap of more than
`PACE_GAPS` times the match's typical (median) gap and at least `MIN_GAP` seconds, is left
out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MIN_GROUP = 3
PACE_GAPS = 5.0
MIN_GAP = 1.0  # seconds


def evidence_span(times: Sequence[float]) -> tuple[float, float] | None:
    """First and last query time (seconds) of the hits that are not stray; None if none."""
    ordered = np.unique(np.asarray(times, np.float64))
    if len(ordered) == 0:
        return None
    if len(ordered) <= MIN_GROUP:
        return float(ordered[0]), float(ordered[-1])
    gaps = np.diff(ordered)
    apart = max(MIN_GAP, PACE_GAPS * float(np.median(gaps)))
    cuts = np.flatnonzero(gaps > apart)  # hit i and i + 1 lie apart
    low, high = 0, len(ordered) - 1
    for cut in cuts:  # groups at the start
        if cut + 1 - low >= MIN_GROUP:
            break
        low = int(cut) + 1
    for cut in cuts[::-1]:  # groups at the end
        if cut < low or high - cut >= MIN_GROUP:
            break
        high = int(cut)
    return float(ordered[low]), float(ordered[high])

"""Limits applied to every file offered for ingestion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestPolicy:
    """A library track lasts `min_seconds` to `max_seconds`. The minimum is higher than a
    search clip's (`SearchPolicy.min_clip_seconds`, 1 s) on purpose: a clip only has to
    match a recording already indexed, whereas a track must carry enough of a Chromaprint
    to be told apart from the tracks it might duplicate, and be worth identifying at all.
    """

    min_seconds: float = 3.0
    max_seconds: float = 30 * 60.0
    # A decode this much shorter than the container claims means a truncated/corrupt file.
    min_decoded_fraction: float = 0.9
    near_duplicate_candidates: int = 5

"""Limits applied to every file offered for ingestion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class IngestPolicy:
    min_seconds: float = 3.0
    max_seconds: float = 30 * 60.0
    # A decode this much shorter than the container claims means a truncated/corrupt file.
    min_decoded_fraction: float = 0.9
    near_duplicate_candidates: int = 5

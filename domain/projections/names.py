"""The projections the event log feeds: their names key checkpoints, locks and receipts."""

from __future__ import annotations

from enum import StrEnum


class ProjectionName(StrEnum):
    FINGERPRINT = "fingerprint"  # landmark hashes: the exact lane's index
    EMBEDDING = "embedding"  # CLAP chunk vectors: the vibe lane's index

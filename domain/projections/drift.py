"""Differences between the library (Postgres) and what a projection's store holds."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class DriftKind(StrEnum):
    MISSING = "missing"  # the library has the track, the store does not
    COUNT_MISMATCH = "count_mismatch"  # the store holds other than the projection recorded
    UNEXPECTED = "unexpected"  # the store holds a track the library does not have


@dataclass(frozen=True, slots=True)
class Drift:
    projection: str
    track_id: UUID
    kind: DriftKind
    expected: int | None  # items the projection recorded (None: nothing recorded)
    actual: int | None  # items the store holds (None: nothing)


def find_drift(
    projection: str,
    library: set[UUID],
    settled: set[UUID],
    recorded: dict[UUID, int],
    held: dict[UUID, int],
) -> list[Drift]:
    """Compare one store with the library and the projection's receipts.

    `settled` are the tracks whose newest event the projection has already applied; a
    track it has not reached yet is lag, not drift.
    """
    drift: list[Drift] = []
    for track_id in sorted(settled & library):
        expected, actual = recorded.get(track_id), held.get(track_id)
        if actual is None and expected != 0:
            drift.append(Drift(projection, track_id, DriftKind.MISSING, expected, None))
        elif actual is not None and actual != expected:
            drift.append(Drift(projection, track_id, DriftKind.COUNT_MISMATCH, expected, actual))
    for track_id in sorted(set(held) - library):
        if track_id in settled or track_id not in recorded:
            drift.append(
                Drift(
                    projection,
                    track_id,
                    DriftKind.UNEXPECTED,
                    recorded.get(track_id),
                    held[track_id],
                )
            )
    return drift

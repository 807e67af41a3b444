"""find_drift: what counts as drift between the library, receipts and a store."""

from __future__ import annotations

import uuid

from domain.projections.drift import DriftKind, find_drift


def test_agreement_is_no_drift() -> None:
    a, silent = uuid.uuid4(), uuid.uuid4()
    library = {a, silent}
    # A silent track legitimately holds nothing: recorded 0, absent from the store.
    assert find_drift("fp", library, library, {a: 5, silent: 0}, {a: 5}) == []


def test_each_kind_of_drift_is_named() -> None:
    missing, miscounted, ghost, lagging = (uuid.uuid4() for _ in range(4))
    library = {missing, miscounted, lagging}
    settled = {missing, miscounted, ghost}
    recorded = {missing: 4, miscounted: 9, ghost: 2}
    held = {miscounted: 7, ghost: 2}
    drift = {
        (d.track_id, d.kind, d.expected, d.actual)
        for d in find_drift("fp", library, settled, recorded, held)
    }
    assert drift == {
        (missing, DriftKind.MISSING, 4, None),
        (miscounted, DriftKind.COUNT_MISMATCH, 9, 7),
        (ghost, DriftKind.UNEXPECTED, 2, 2),
    }


def test_tracks_not_yet_projected_are_lag_not_drift() -> None:
    new = uuid.uuid4()
    assert find_drift("fp", {new}, set(), {}, {}) == []


def test_a_stored_track_with_no_row_nor_receipt_is_unexpected() -> None:
    stray = uuid.uuid4()
    [drift] = find_drift("fp", set(), set(), {}, {stray: 3})
    assert drift.kind is DriftKind.UNEXPECTED

"""ReferencePrints: prints stored once read back as they were, or not at all."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import numpy as np
import pytest

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.memory.print_store import InMemoryPrintStore
from application.library.reference_prints import ReferencePrints
from domain.audio import FINGERPRINT_RATE
from domain.exact.stored_prints import encode_prints
from tests.support.audio_factory import synth_track


@pytest.fixture
def store() -> InMemoryPrintStore:
    return InMemoryPrintStore()


@pytest.fixture
def reference(store: InMemoryPrintStore) -> ReferencePrints:
    return ReferencePrints(CffiLandmarkFingerprinter(), store)


async def test_stored_prints_load_as_made(reference: ReferencePrints) -> None:
    made = await reference.make(synth_track(5, 15.0, FINGERPRINT_RATE))
    loaded = await reference.load(await reference.store(made))
    assert loaded is not None and len(loaded) == len(made) > 0
    assert np.array_equal(loaded.hashes, made.hashes)
    assert np.array_equal(loaded.times, made.times)


async def test_missing_corrupt_or_foreign_prints_are_not_loaded(
    reference: ReferencePrints, store: InMemoryPrintStore, caplog: pytest.LogCaptureFixture
) -> None:
    made = await reference.make(synth_track(6, 15.0, FINGERPRINT_RATE))
    key = await reference.store(made)
    assert await reference.load("0" * 64) is None  # never stored
    assert await reference.load("not-a-key") is None
    blob = store.blobs[key]
    store.blobs[key] = blob[:-12] + bytes(12)  # bits changed: the key's hash no longer holds
    assert await reference.load(key) is None
    # Another frame length (prints of another fingerprinter), though intact.
    other = encode_prints(replace(made, frame_seconds=made.frame_seconds * 2))
    other_key = hashlib.sha256(other).hexdigest()
    store.blobs[other_key] = other
    assert await reference.load(other_key) is None
    assert [r.message.split(" (")[0].split(";")[0] for r in caplog.records] == [
        f"stored prints {'0' * 64} unavailable",
        "stored prints not-a-key unavailable",
        f"stored prints {key} are corrupt",
        f"stored prints {other_key} use another frame length",
    ]

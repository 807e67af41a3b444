"""Builders of domain objects for tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import numpy as np

from domain.exact.fingerprint import Chromaprint
from domain.library.track import Track


def random_print(seed: int, words: int = 400) -> Chromaprint:
    rng = np.random.default_rng(seed)
    return Chromaprint(rng.integers(0, 2**32, words, dtype=np.uint64).astype(np.uint32))


def make_track(seed: int = 1, print_: Chromaprint | None = None, **overrides: object) -> Track:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    sha = hashlib.sha256(f"track-{seed}".encode()).hexdigest()
    values: dict[str, object] = {
        "title": f"Track {seed}",
        "artist": "Artist",
        "album": None,
        "duration_seconds": 49.5,
        "format": "wav",
        "sample_rate": 44100,
        "channels": 2,
        "bitrate": 1411200,
        "file_size": 1000 + seed,
        "sha256": sha,
        "storage_key": f"{sha[:2]}/{sha}.wav",
        "chromaprint": (print_ or random_print(seed)).as_ints(),
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return Track(**values)  # type: ignore[arg-type]

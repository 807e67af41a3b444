"""The stored prints' codec: round trip, and a blob of another kind refused by type."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.stored_prints import UnreadablePrints, decode_prints, encode_prints


def _print() -> LandmarkFingerprint:
    hashes = np.array([1, (1 << 63) + 5, 42], dtype=np.uint64)
    times = np.array([0, 7, 4_000_000_000], dtype=np.uint32)
    return LandmarkFingerprint(hashes, times, 0.032, frames=5000, speed=1.0, stretch=0.0)


def test_round_trip_keeps_every_field() -> None:
    original = _print()
    back = decode_prints(encode_prints(original))
    assert back.hashes.dtype == np.uint64 and back.times.dtype == np.uint32
    assert np.array_equal(back.hashes, original.hashes)
    assert np.array_equal(back.times, original.times)
    assert (back.frame_seconds, back.frames, back.speed, back.stretch) == (0.032, 5000, 1.0, 0.0)


def test_empty_prints_round_trip() -> None:
    empty = LandmarkFingerprint(np.zeros(0, np.uint64), np.zeros(0, np.uint32), 0.032)
    assert len(decode_prints(encode_prints(empty))) == 0


def test_truncated_foreign_and_other_version_blobs_are_refused() -> None:
    blob = encode_prints(_print())
    with pytest.raises(UnreadablePrints, match="do not hold"):
        decode_prints(blob[:-1])
    with pytest.raises(UnreadablePrints, match="header"):
        decode_prints(blob[:10])
    with pytest.raises(UnreadablePrints, match="magic"):
        decode_prints(b"RIFF" + blob[4:])
    other_version = blob[:4] + struct.pack("<H", 2) + blob[6:]
    with pytest.raises(UnreadablePrints, match="format 2"):
        decode_prints(other_version)
    other_recipe = blob[:6] + struct.pack("<H", 9) + blob[8:]
    with pytest.raises(UnreadablePrints, match="recipe 9"):
        decode_prints(other_recipe)

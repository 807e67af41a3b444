"""A track's reference landmarks as bytes: what ingest stores once and rebuilds read back.

Layout (little-endian): magic, format version, recipe, frame length, frames, speed,
stretch, count, then `count` uint64 hashes and `count` uint32 times.
"""

from __future__ import annotations

import struct

import numpy as np

from domain.exact.fingerprint import LandmarkFingerprint

_MAGIC = b"AIDP"
FORMAT_VERSION = 1
# Which landmark recipe made the prints (the fingerprinter's settings and INDEXED): bump it
# when they change, so that prints made by the old recipe are decoded again, never indexed.
RECIPE = 1
_HEADER = struct.Struct("<4sHHdQddQ")


class UnreadablePrints(ValueError):
    """A blob that is not stored prints of this format and recipe (truncated, other version)."""


def encode_prints(print_: LandmarkFingerprint) -> bytes:
    count = len(print_)
    header = _HEADER.pack(
        _MAGIC,
        FORMAT_VERSION,
        RECIPE,
        print_.frame_seconds,
        print_.frames,
        print_.speed,
        print_.stretch,
        count,
    )
    hashes = print_.hashes.astype("<u8", copy=False).tobytes()
    times = print_.times.astype("<u4", copy=False).tobytes()
    return header + hashes + times


def decode_prints(blob: bytes) -> LandmarkFingerprint:
    """The prints `blob` holds; raises UnreadablePrints for anything else."""
    if len(blob) < _HEADER.size:
        raise UnreadablePrints(f"{len(blob)} bytes: shorter than the header")
    magic, version, recipe, frame_seconds, frames, speed, stretch, count = _HEADER.unpack_from(blob)
    if magic != _MAGIC:
        raise UnreadablePrints("not stored prints (wrong magic)")
    if version != FORMAT_VERSION or recipe != RECIPE:
        raise UnreadablePrints(
            f"format {version} recipe {recipe}; this build reads format {FORMAT_VERSION} "
            f"recipe {RECIPE}"
        )
    if len(blob) != _HEADER.size + count * 12:
        raise UnreadablePrints(f"{len(blob)} bytes do not hold {count} landmarks")
    start = _HEADER.size
    hashes = np.frombuffer(blob, "<u8", count, start).astype(np.uint64)
    times = np.frombuffer(blob, "<u4", count, start + count * 8).astype(np.uint32)
    try:
        return LandmarkFingerprint(hashes, times, frame_seconds, frames, speed, stretch)
    except ValueError as error:
        raise UnreadablePrints(str(error)) from error

"""What the LMDB index stores, byte by byte.

- `hashes` (dupsort, dupfixed): key = hash >> shift as 4 big-endian bytes; sorted duplicate
  values = 8 big-endian bytes: the hash's low `shift` bits (top byte), track number (24 bits),
  frame (32 bits). A track's entries under one full hash are contiguous (exact deletion).
  Moving low hash bits into the value makes keys hold many values each; LMDB packs
  fixed-size duplicates without per-entry headers, which is what keeps a small index at
  ~12 bytes per entry instead of ~40. A big library has enough entries per key without it
  (shift 0), and must, because a lookup reads every value of a key.
- `tracks`: key = track UUID (16 bytes); value = number, entry count, frames (3 x u32 BE)
  followed by the track's distinct hashes (u32 BE): exactly what deletion must visit.
- `numbers`: key = track number (u32 BE); value = UUID (16 bytes) + frames (u32 BE).
- `meta`: b"next" = next track number (u32 BE); b"frames" = frames indexed (u64 BE);
  b"shift" = the key shift chosen when the index was created (u32 BE); b"applied" = the
  highest event position a put applied (u64 BE), written in that put's transaction.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.exact.hits import distinct_entries

HASHES, TRACKS, NUMBERS, META = b"hashes", b"tracks", b"numbers", b"meta"
NEXT, FRAMES, SHIFT, APPLIED = b"next", b"frames", b"shift", b"applied"
MAX_SHIFT = 8
MAX_TRACKS = 1 << 24
ENTRY = np.dtype([("key", ">u4"), ("value", ">u8")])
_HEADER = struct.Struct(">III")


@dataclass(frozen=True, slots=True)
class TrackRecord:
    number: int
    entries: int
    frames: int
    hashes: npt.NDArray[np.uint32]

    def encode(self) -> bytes:
        header = _HEADER.pack(self.number, self.entries, self.frames)
        return header + self.hashes.astype(">u4").tobytes()

    @classmethod
    def decode(cls, raw: bytes | memoryview) -> TrackRecord:
        number, entries, frames = _HEADER.unpack_from(raw)
        hashes = np.frombuffer(raw, ">u4", offset=_HEADER.size).astype(np.uint32)
        return cls(number, entries, frames, hashes)


def u32(value: int) -> bytes:
    return value.to_bytes(4, "big")


def u64(value: int) -> bytes:
    return value.to_bytes(8, "big")


def entry_keys(hashes: npt.NDArray[np.uint64], shift: int) -> npt.NDArray[np.uint64]:
    return hashes >> np.uint64(shift)


def entry_values(
    hashes: npt.NDArray[np.uint64], number: int, times: npt.NDArray[np.uint32], shift: int
) -> npt.NDArray[np.uint64]:
    low = hashes & np.uint64((1 << shift) - 1)
    return (low << np.uint64(56)) | np.uint64(number << 32) | times.astype(np.uint64)


def unique_entries(
    keys: npt.NDArray[np.uint64], values: npt.NDArray[np.uint64]
) -> npt.NDArray[np.void]:
    """Distinct (key, value) entries as ENTRY records, sorted by key then value."""
    keys, values = distinct_entries(keys, values)
    entries = np.empty(len(keys), ENTRY)
    entries["key"], entries["value"] = keys, values
    return entries


def split_entries(
    keys: npt.NDArray[np.uint64], values: npt.NDArray[np.uint64], shift: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """Full hashes and (track << 32 | frame) values of stored entries."""
    hashes = (keys << np.uint64(shift)) | (values >> np.uint64(56))
    return hashes, values & np.uint64((1 << 56) - 1)


def value_prefix(hash_value: int, number: int, shift: int) -> bytes:
    """The first 4 value bytes shared by one track's entries under one full hash."""
    low = hash_value & ((1 << shift) - 1)
    return bytes([low]) + number.to_bytes(3, "big")

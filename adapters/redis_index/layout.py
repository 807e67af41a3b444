"""What the Redis index stores, key by key and byte by byte, and where Cluster puts it.

Every key starts with a namespace (`ns`, e.g. "fp"). The metadata of every generation
shares one hash tag, `{ns}`, so it lives in one slot and each step that must be atomic
(publish a track, hide it, swap generations) is one function call on one node:

- `{ns}:root` (hash): `current` = the live generation's id; `gens` = the last id handed
  out; per generation `g<id>:state` (building, live, retired, dropping), `g<id>:next` (the
  last track number given), `g<id>:seq` (the last publication), `g<id>:frames` and
  `g<id>:entries` (totals over its published tracks).
- `{ns}:g<id>:numbers` (hash): 4-byte track number -> ROW: track UUID (16), frames,
  entries, publication sequence (u32 BE each). A number is here exactly while its track is
  visible.

The bulk spreads over the cluster:

- postings `ns:g<id>:{tt}` + hash (u32 BE): the track's entries under that hash, packed
  8 bytes each as domain.exact.hits.pack_entries makes them (track number, then frame; big
  endian), sorted, so a track's entries under one hash are contiguous (exact removal). The
  tag `tt` is one of GROUPS values mixed from the hash: the postings fall into GROUPS slots
  spread over the masters, and the keys of one group, being in one slot, are read by one
  command (MGET, or a function) per group: a lookup of thousands of hashes costs GROUPS
  commands at most, sent as one pipeline per node.
- track records `ns:g<id>:t:<uuid hex>` (no tag: spread by the whole key): number,
  entries, frames (u32 BE) and the track's distinct hashes (u32 BE): what removal visits.
- `ns:barrier:<n>` (string "1"): written after every write, each on its own master, to
  wait until that master's replicas hold it (client.replicated).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt

GROUP_BITS = 8  # 256 hash-tag groups of postings: commands per lookup vs. spread over masters
GROUPS = 1 << GROUP_BITS
ENTRY_BYTES = 8
HASH_LIMIT = 1 << 32  # keys carry 4-byte hashes: no larger hash is ever stored
NUMBER_LIMIT = 1 << 32  # an entry's high half
_MIX = np.uint64(0x9E3779B1)  # Fibonacci hashing: landmark hashes have structured low bits
_NAMESPACE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_ROW = struct.Struct(">16sIII")
_RECORD = struct.Struct(">III")


def check_namespace(namespace: str) -> str:
    """A namespace that cannot hold a hash tag or a SCAN pattern character."""
    if not _NAMESPACE.fullmatch(namespace):
        raise ValueError(
            f"Redis key namespace {namespace!r}: use 1-64 letters, digits, '_', '.', ':' or '-'"
        )
    return namespace


@dataclass(frozen=True, slots=True)
class Keys:
    """The key names of one namespace, and of its generations."""

    namespace: str

    @property
    def root(self) -> bytes:
        return f"{{{self.namespace}}}:root".encode()

    def numbers(self, generation: int) -> bytes:
        return f"{{{self.namespace}}}:g{generation}:numbers".encode()

    def prefix(self, generation: int) -> bytes:
        """Every posting and track record of a generation starts with this (and nothing
        else does): what dropping a generation scans for."""
        return f"{self.namespace}:g{generation}:".encode()

    def track(self, generation: int, track_id: UUID) -> bytes:
        return self.prefix(generation) + b"t:" + track_id.hex.encode()

    def barrier(self, number: int) -> bytes:
        """Keys outside every generation that only take the write a master's WAIT waits
        for (client.replicated): one per master, the first of them it serves."""
        return f"{self.namespace}:barrier:{number}".encode()

    def group_prefixes(self, generation: int) -> list[bytes]:
        """The start of every posting key, by group."""
        base = self.prefix(generation)
        return [base + b"{%02x}" % group for group in range(GROUPS)]


def field(name: str, generation: int) -> str:
    """A generation's field in the root hash."""
    return f"g{generation}:{name}"


def groups_of(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    mixed = (hashes * _MIX) & np.uint64(0xFFFFFFFF)
    return (mixed >> np.uint64(32 - GROUP_BITS)).astype(np.int64)


def posting_keys(
    prefixes: list[bytes], hashes: npt.NDArray[np.uint64]
) -> dict[int, tuple[npt.NDArray[np.int64], list[bytes]]]:
    """Postings keys of these hashes by group: each group's positions in `hashes` and keys."""
    groups = groups_of(hashes)
    raw = hashes.astype(">u4").tobytes()
    by_group: dict[int, tuple[npt.NDArray[np.int64], list[bytes]]] = {}
    for group in np.unique(groups).tolist():
        at = np.flatnonzero(groups == group)
        prefix = prefixes[group]
        by_group[group] = (at, [prefix + raw[i * 4 : i * 4 + 4] for i in at.tolist()])
    return by_group


def number_field(number: int) -> bytes:
    return number.to_bytes(4, "big")


@dataclass(frozen=True, slots=True)
class Row:
    """A visible track, as its number's entry in the numbers hash holds it."""

    track_id: UUID
    frames: int
    entries: int
    seq: int

    def encode_head(self) -> bytes:
        """The row without its sequence, which the publishing function appends."""
        return _ROW.pack(self.track_id.bytes, self.frames, self.entries, 0)[:-4]

    @classmethod
    def decode(cls, raw: bytes) -> Row:
        track, frames, entries, seq = _ROW.unpack(raw)
        return cls(UUID(bytes=track), frames, entries, seq)

    @staticmethod
    def seq_of(raw: bytes) -> int:
        """The publication sequence alone, without decoding the rest."""
        return int.from_bytes(raw[-4:], "big")


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """What removing a track needs: its number and the distinct hashes it has entries under."""

    number: int
    entries: int
    frames: int
    hashes: npt.NDArray[np.uint64]

    def encode(self) -> bytes:
        head = _RECORD.pack(self.number, self.entries, self.frames)
        return head + self.hashes.astype(">u4").tobytes()

    @classmethod
    def decode(cls, raw: bytes) -> TrackRecord:
        number, entries, frames = _RECORD.unpack_from(raw)
        hashes = np.frombuffer(raw, ">u4", offset=_RECORD.size).astype(np.uint64)
        return cls(number, entries, frames, hashes)

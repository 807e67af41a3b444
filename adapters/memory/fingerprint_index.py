from __future__ import annotations

from uuid import UUID

import numpy as np

from domain.fingerprint import LandmarkFingerprint
from domain.landmark_alignment import align, to_exact_matches
from domain.landmark_hits import join_hits, pack_entries, query_keys
from domain.matches import ExactMatch


class InMemoryFingerprintIndex:
    """FingerprintIndex in dicts: hash -> set of packed (track number, time) entries.

    Same numbering, entry packing and scoring (domain.landmark_alignment) as the LMDB index,
    so the shared contract tests hold for both.
    """

    def __init__(self) -> None:
        self._postings: dict[int, set[int]] = {}
        self._numbers: dict[UUID, int] = {}
        self._ids: dict[int, UUID] = {}
        self._frames: dict[int, int] = {}
        self._entries: dict[int, list[tuple[int, int]]] = {}
        self._next_number = 1

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint) -> None:
        await self.remove(track_id)
        number = self._next_number
        self._next_number += 1
        values = pack_entries(number, fingerprint.times)
        entries = sorted(
            {(int(h), int(v)) for h, v in zip(fingerprint.hashes, values, strict=True)}
        )
        for key, value in entries:
            self._postings.setdefault(key, set()).add(value)
        self._numbers[track_id] = number
        self._ids[number] = track_id
        self._frames[number] = fingerprint.span_frames
        self._entries[number] = entries

    async def remove(self, track_id: UUID) -> None:
        number = self._numbers.pop(track_id, None)
        if number is None:
            return
        del self._ids[number], self._frames[number]
        for key, value in self._entries.pop(number):
            bucket = self._postings[key]
            bucket.discard(value)
            if not bucket:
                del self._postings[key]

    async def match(self, fingerprint: LandmarkFingerprint, limit: int) -> list[ExactMatch]:
        entry_hashes: list[int] = []
        entry_values: list[int] = []
        for key in query_keys(fingerprint).tolist():
            bucket = self._postings.get(key, ())
            entry_hashes.extend([key] * len(bucket))
            entry_values.extend(sorted(bucket))
        hits = join_hits(
            fingerprint,
            np.asarray(entry_hashes, np.uint64),
            np.asarray(entry_values, np.uint64),
        )
        alignments = align(
            hits,
            lambda number: self._frames.get(number, 0),
            sum(self._frames.values()),
            fingerprint.span_frames,
            limit,
        )
        return to_exact_matches(alignments, fingerprint, self._ids)

    async def hash_count(self, track_id: UUID) -> int | None:
        number = self._numbers.get(track_id)
        return None if number is None else len(self._entries[number])

    async def clear(self) -> None:
        self._postings.clear()
        self._numbers.clear()
        self._ids.clear()
        self._frames.clear()
        self._entries.clear()

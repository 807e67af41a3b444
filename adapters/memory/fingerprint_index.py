from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

import numpy as np

from adapters.memory.generations import InMemoryGenerations
from domain.exact.alignment import to_exact_matches
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import join_hits, pack_entries, query_keys, specific_keys
from domain.exact.slopes import align_query
from domain.matches import ExactMatch


@dataclass
class _Generation:
    postings: dict[int, set[int]] = field(default_factory=dict[int, set[int]])
    numbers: dict[UUID, int] = field(default_factory=dict[UUID, int])
    ids: dict[int, UUID] = field(default_factory=dict[int, UUID])
    frames: dict[int, int] = field(default_factory=dict[int, int])
    entries: dict[int, list[tuple[int, int]]] = field(
        default_factory=dict[int, list[tuple[int, int]]]
    )
    next_number: int = 1


class InMemoryFingerprintIndex(InMemoryGenerations[_Generation]):
    """FingerprintIndex in dicts: hash -> set of packed (track number, time) entries.

    Same numbering, entry packing and scoring (domain.exact.alignment) as the LMDB index,
    so the shared contract tests hold for both. A rebuild fills a second generation that
    replaces the live one at `finish_rebuild`.
    """

    def __init__(self) -> None:
        super().__init__(_Generation)

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint) -> int:
        await self.remove(track_id)
        state = self._target
        number = state.next_number
        state.next_number += 1
        values = pack_entries(number, fingerprint.times)
        entries = sorted(
            {(int(h), int(v)) for h, v in zip(fingerprint.hashes, values, strict=True)}
        )
        for key, value in entries:
            state.postings.setdefault(key, set()).add(value)
        state.numbers[track_id] = number
        state.ids[number] = track_id
        state.frames[number] = fingerprint.span_frames
        state.entries[number] = entries
        return len(entries)

    async def remove(self, track_id: UUID) -> None:
        state = self._target
        number = state.numbers.pop(track_id, None)
        if number is None:
            return
        del state.ids[number], state.frames[number]
        for key, value in state.entries.pop(number):
            bucket = state.postings[key]
            bucket.discard(value)
            if not bucket:
                del state.postings[key]

    async def match(self, fingerprint: LandmarkFingerprint, limit: int) -> list[ExactMatch]:
        live = self._live
        entry_hashes: list[int] = []
        entry_values: list[int] = []
        keys = query_keys(fingerprint).tolist()
        counts = np.asarray([len(live.postings.get(key, ())) for key in keys], np.int64)
        for key, wanted in zip(keys, specific_keys(counts), strict=True):
            bucket = live.postings.get(key, ()) if wanted else ()
            entry_hashes.extend([key] * len(bucket))
            entry_values.extend(sorted(bucket))
        hits = join_hits(
            fingerprint,
            np.asarray(entry_hashes, np.uint64),
            np.asarray(entry_values, np.uint64),
        )
        alignments = align_query(
            hits,
            lambda number: live.frames.get(number, 0),
            sum(live.frames.values()),
            fingerprint,
            limit,
        )
        return to_exact_matches(alignments, fingerprint, live.ids)

    async def hash_count(self, track_id: UUID) -> int | None:
        number = self._live.numbers.get(track_id)
        return None if number is None else len(self._live.entries[number])

    async def track_counts(self) -> dict[UUID, int]:
        live = self._live
        return {track: len(live.entries[number]) for track, number in live.numbers.items()}

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from uuid import UUID

import numpy as np
import numpy.typing as npt

from adapters.memory.generations import InMemoryGenerations
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import pack_entries
from domain.ports.fingerprint_index import IndexSnapshot

T = TypeVar("T")


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
    applied: int = 0


class InMemoryFingerprintIndex(InMemoryGenerations[_Generation]):
    """FingerprintIndex in dicts: hash -> set of packed (track number, time) entries.

    Same numbering and entry packing as the LMDB index, and matched by the same
    domain.exact.matcher, so the shared contract tests hold for both. A rebuild fills a
    second generation that replaces the live one at `finish_rebuild`.
    """

    def __init__(self) -> None:
        super().__init__(_Generation)

    async def put(self, track_id: UUID, fingerprint: LandmarkFingerprint, position: int = 0) -> int:
        await self.remove(track_id)
        state = self._target
        state.applied = max(state.applied, position)
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

    async def applied_position(self) -> int:
        return self._live.applied

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

    async def read(self, work: Callable[[IndexSnapshot], T]) -> T:
        return work(_Snapshot(self._live))

    async def hash_count(self, track_id: UUID) -> int | None:
        number = self._live.numbers.get(track_id)
        return None if number is None else len(self._live.entries[number])

    async def track_counts(self) -> dict[UUID, int]:
        live = self._live
        return {track: len(live.entries[number]) for track, number in live.numbers.items()}


class _Snapshot:
    """IndexSnapshot over one generation's dicts."""

    def __init__(self, live: _Generation) -> None:
        self._live = live

    @property
    def total_frames(self) -> int:
        return sum(self._live.frames.values())

    def counts(self, hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        postings = self._live.postings
        return np.asarray([len(postings.get(h, ())) for h in hashes.tolist()], np.int64)

    def postings(
        self, hashes: npt.NDArray[np.uint64]
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
        entry_hashes: list[int] = []
        entry_values: list[int] = []
        for key in hashes.tolist():
            bucket = sorted(self._live.postings.get(key, ()))
            entry_hashes.extend([key] * len(bucket))
            entry_values.extend(bucket)
        return np.asarray(entry_hashes, np.uint64), np.asarray(entry_values, np.uint64)

    def track_frames(self, number: int) -> int:
        return self._live.frames.get(number, 0)

    def track_id(self, number: int) -> UUID | None:
        return self._live.ids.get(number)

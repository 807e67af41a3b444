"""Use case: identify an uploaded clip — exact matches and sounds-alike tracks."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from application.identify_exact import IdentifyExact
from application.identify_result import IdentifyResult, LaneReport, LaneState, SearchMode
from application.lane_runner import run_lane
from application.vibe_search import VibeSearch
from domain.audio import EMBEDDING_RATE, FINGERPRINT_RATE, PcmAudio
from domain.errors import InvalidAudio
from domain.matches import ExactMatch, VibeMatch
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.unit_of_work_factory import UnitOfWorkFactory

M = TypeVar("M", ExactMatch, VibeMatch)


async def _skipped(kind: type[M]) -> tuple[list[M], LaneReport]:
    return [], LaneReport(LaneState.SKIPPED)


@dataclass(frozen=True, slots=True)
class IdentifyPolicy:
    min_seconds: float = 1.0
    max_seconds: float = 60.0
    lane_timeout_seconds: float = 10.0


class IdentifyClip:
    """Decode the clip, run the lanes asked for side by side, join the tracks.

    Bad audio (empty, not audio, too short or long) raises InvalidAudio: the caller asked
    for something impossible. A lane that fails or times out does not: the other lane's
    matches come back, and `lanes` tells which lane failed and why.
    """

    def __init__(
        self,
        decoder: AudioDecoder,
        exact: IdentifyExact,
        vibe: VibeSearch,
        uow: UnitOfWorkFactory,
        policy: IdentifyPolicy,
    ) -> None:
        self._decoder, self._exact, self._vibe = decoder, exact, vibe
        self._uow, self._policy = uow, policy

    async def __call__(
        self, path: Path, mode: SearchMode, limit: int = 5, exclude_exact_from_vibe: bool = False
    ) -> IdentifyResult:
        seconds = await self._check(path)
        timeout = self._policy.lane_timeout_seconds
        extra = limit if exclude_exact_from_vibe else 0
        (exact, exact_report), (vibe, vibe_report) = await asyncio.gather(
            run_lane("exact", self._exact_lane(path, limit), timeout)
            if mode.runs("exact")
            else _skipped(ExactMatch),
            run_lane("vibe", self._vibe_lane(path, limit + extra), timeout)
            if mode.runs("vibe")
            else _skipped(VibeMatch),
        )
        if exclude_exact_from_vibe:
            found = {m.track_id for m in exact}
            vibe = [m for m in vibe if m.track_id not in found]
        lanes = {"exact": exact_report, "vibe": vibe_report}
        return await self._join(exact, vibe[:limit], lanes, seconds)

    async def _check(self, path: Path) -> float:
        info = await self._decoder.probe(path)
        seconds = info.duration_seconds
        if seconds and seconds < self._policy.min_seconds:
            raise InvalidAudio(
                "AUDIO_TOO_SHORT",
                f"the clip is {seconds:.2f} s long; at least {self._policy.min_seconds:g} s needed",
            )
        if seconds > self._policy.max_seconds:
            raise InvalidAudio(
                "AUDIO_TOO_LONG",
                f"the clip is {seconds:.0f} s long; at most {self._policy.max_seconds:g} s",
            )
        return seconds

    async def _decoded(self, path: Path, rate: int) -> PcmAudio:
        audio = await self._decoder.decode(path, rate)
        if audio.duration_seconds < self._policy.min_seconds:
            raise InvalidAudio("AUDIO_TOO_SHORT", "the clip holds less than a second of audio")
        return audio

    async def _exact_lane(self, path: Path, limit: int) -> list[ExactMatch]:
        return await self._exact(await self._decoded(path, FINGERPRINT_RATE), limit)

    async def _vibe_lane(self, path: Path, limit: int) -> list[VibeMatch]:
        self._vibe.ensure_available()  # say so before decoding anything
        return await self._vibe.by_audio(await self._decoded(path, EMBEDDING_RATE), limit)

    async def _join(
        self,
        exact: list[ExactMatch],
        vibe: list[VibeMatch],
        lanes: dict[str, LaneReport],
        seconds: float,
    ) -> IdentifyResult:
        ids = [m.track_id for m in exact] + [m.track_id for m in vibe]
        async with self._uow() as uow:
            tracks = await uow.tracks.get_many(ids)
        # A track deleted since the index saw it is left out until its projection catches up.
        return IdentifyResult(
            exact=[(m, tracks[m.track_id]) for m in exact if m.track_id in tracks],
            vibe=[(m, tracks[m.track_id]) for m in vibe if m.track_id in tracks],
            lanes=lanes,
            audio_seconds=seconds,
        )

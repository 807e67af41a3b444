"""Use case: identify an uploaded clip — exact matches and sounds-alike tracks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from application.capacity.admission import CpuAdmission
from application.identify.identify_exact import IdentifyExact
from application.identify.identify_result import IdentifyResult, LaneReport, LaneState, SearchMode
from application.identify.lane_runner import run_lane
from application.identify.search_policy import SearchPolicy
from application.identify.vibe_search import VibeSearch
from domain.audio import EMBEDDING_RATE, FINGERPRINT_RATE, PcmAudio
from domain.errors import ErrorCode, InvalidAudio
from domain.library.track import Track
from domain.matches import ExactMatch, VibeMatch
from domain.ports.audio_decoder import AudioDecoder
from domain.ports.unit_of_work_factory import UnitOfWorkFactory

M = TypeVar("M", ExactMatch, VibeMatch)
T = TypeVar("T")


async def _all_or_none(work: list[Coroutine[object, object, T]]) -> list[T]:
    """Like gather, but the first failure cancels the rest: a clip that one decode already
    refused must not keep the other ffmpeg running after the answer."""
    tasks = [asyncio.ensure_future(w) for w in work]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _skipped(kind: type[M], mode: SearchMode) -> tuple[list[M], LaneReport]:
    return [], LaneReport(LaneState.SKIPPED, reason=f"not asked for (mode {mode.value})")


class IdentifyClip:
    """Decode the clip, run the lanes asked for side by side, join the tracks.

    Bad audio (empty, not audio, shorter or longer than `policy` allows) raises InvalidAudio:
    the caller asked for something impossible. The exact lane is given the clip's first
    `policy.exact_clip_seconds`. A lane that fails or times out does not: the other lane's
    matches come back, and `lanes` tells which lane failed and why. Decoding and the lanes
    run inside one `admission` slot; past its queue the search is refused (`Overloaded`).
    A track is read once per object (one request, or one CLI command's files), so a track
    edited or deleted meanwhile shows as it was when first joined.
    """

    def __init__(
        self,
        decoder: AudioDecoder,
        exact: IdentifyExact,
        vibe: VibeSearch,
        uow: UnitOfWorkFactory,
        policy: SearchPolicy,
        admission: CpuAdmission,
    ) -> None:
        self._decoder, self._exact, self._vibe = decoder, exact, vibe
        self._uow, self._policy, self._admission = uow, policy, admission
        # Tracks joined so far: this object lives for one request, or one CLI command's
        # batch, where most clips name tracks that an earlier clip already named.
        self._tracks: dict[UUID, Track] = {}

    async def __call__(
        self, path: Path, mode: SearchMode, limit: int, exclude_exact_from_vibe: bool = False
    ) -> IdentifyResult:
        async with self._admission.slot():
            exact, vibe, lanes, seconds = await self._search(
                path, mode, limit, exclude_exact_from_vibe
            )
        return await self._join(exact, vibe, lanes, seconds)

    async def _search(
        self, path: Path, mode: SearchMode, limit: int, exclude_exact_from_vibe: bool
    ) -> tuple[list[ExactMatch], list[VibeMatch], dict[str, LaneReport], float]:
        # Decoded here, not inside the lanes: bad audio is the caller's error, not a lane's.
        # Each rate is one ffmpeg run, side by side; nothing is probed first.
        with_vibe = mode.runs("vibe") and self._vibe.available
        rates = [FINGERPRINT_RATE] + ([EMBEDDING_RATE] if with_vibe else [])
        decodes = await _all_or_none([self._decoded(path, r) for r in rates])
        decoded = dict(zip(rates, decodes, strict=True))
        timeout = self._policy.lane_timeout_seconds
        extra = limit if exclude_exact_from_vibe else 0
        exact_clip = decoded[FINGERPRINT_RATE].slice_seconds(0.0, self._policy.exact_clip_seconds)
        (exact, exact_report), (vibe, vibe_report) = await asyncio.gather(
            run_lane("exact", self._exact(exact_clip, limit), timeout)
            if mode.runs("exact")
            else _skipped(ExactMatch, mode),
            run_lane("vibe", self._vibe_lane(decoded.get(EMBEDDING_RATE), limit + extra), timeout)
            if mode.runs("vibe")
            else _skipped(VibeMatch, mode),
        )
        if exclude_exact_from_vibe:
            found = {m.track_id for m in exact}
            vibe = [m for m in vibe if m.track_id not in found]
        lanes = {"exact": exact_report, "vibe": vibe_report}
        return exact, vibe[:limit], lanes, decoded[FINGERPRINT_RATE].duration_seconds

    async def _decoded(self, path: Path, rate: int) -> PcmAudio:
        longest = self._policy.max_clip_seconds
        audio = await self._decoder.decode(path, rate, max_seconds=longest + 1.0)
        seconds = audio.duration_seconds
        if seconds > longest:
            raise InvalidAudio(
                ErrorCode.AUDIO_TOO_LONG,
                f"the clip is longer than {longest:g} s",
                {"max_seconds": longest},
            )
        shortest = self._policy.min_clip_seconds
        if seconds < shortest:
            raise InvalidAudio(
                ErrorCode.AUDIO_TOO_SHORT,
                f"the clip is {seconds:.2f} s long; at least {shortest:g} s needed",
                {"min_seconds": shortest},
            )
        return audio

    async def _vibe_lane(self, audio: PcmAudio | None, limit: int) -> list[VibeMatch]:
        self._vibe.ensure_available()
        assert audio is not None  # decoded whenever the lane is available
        return await self._vibe.by_audio(audio, limit)

    async def _join(
        self,
        exact: list[ExactMatch],
        vibe: list[VibeMatch],
        lanes: dict[str, LaneReport],
        seconds: float,
    ) -> IdentifyResult:
        ids = [m.track_id for m in exact] + [m.track_id for m in vibe]
        missing = [i for i in ids if i not in self._tracks]
        if missing:  # a clip without matches, or only tracks joined before, asks nothing
            async with self._uow() as uow:
                self._tracks.update(await uow.tracks.get_many(missing))
        tracks = self._tracks
        # A track deleted since the index saw it is left out until its projection catches up.
        return IdentifyResult(
            exact=[(m, tracks[m.track_id]) for m in exact if m.track_id in tracks],
            vibe=[(m, tracks[m.track_id]) for m in vibe if m.track_id in tracks],
            lanes=lanes,
            audio_seconds=seconds,
        )

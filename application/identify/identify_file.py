"""Use case: what a file is, whatever its length: a clip's matches, or a whole file's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from application.identify.identify_clip import IdentifyClip
from application.identify.identify_result import IdentifyResult, SearchMode
from application.identify.search_policy import SearchPolicy
from application.timeline.build_timeline import BuildTimeline
from application.timeline.updates import Progress, SegmentReport
from domain.errors import ErrorCode, InvalidAudio
from domain.timeline.audio_source import FileSource
from domain.timeline.covering import covering_segment


@dataclass(frozen=True, slots=True)
class WholeFile:
    """A file longer than a clip, answered by its timeline: the settled `segments` in
    order over its `seconds`; `covering` is the one segment when a single library track
    covers the whole file."""

    seconds: float
    segments: tuple[SegmentReport, ...]

    @property
    def covering(self) -> SegmentReport | None:
        found = covering_segment([report.segment for report in self.segments])
        return self.segments[0] if found is not None else None


class IdentifyFile:
    """A clip (up to the policy's `max_clip_seconds`) goes through `IdentifyClip`; a longer
    file is answered by `BuildTimeline`: one answer when a single track covers it, else
    what plays when. The clip is tried first, so clips pay nothing for this; a long file
    costs a clip's decode before its timeline. The timeline is the exact lane's: asked for
    the vibe lane alone, a long file is refused (AUDIO_TOO_LONG), since that lane compares
    clips.
    """

    def __init__(self, clip: IdentifyClip, timeline: BuildTimeline, policy: SearchPolicy) -> None:
        self._clip, self._timeline, self._policy = clip, timeline, policy

    async def __call__(
        self, path: Path, mode: SearchMode, limit: int
    ) -> IdentifyResult | WholeFile:
        try:
            return await self._clip(path, mode, limit)
        except InvalidAudio as error:
            if error.code is not ErrorCode.AUDIO_TOO_LONG:
                raise
            if not mode.runs("exact"):
                longest = self._policy.max_clip_seconds
                raise InvalidAudio(
                    ErrorCode.AUDIO_TOO_LONG,
                    f"the file is longer than a clip ({longest:g} s), and the vibe lane "
                    "compares clips only",
                    {"max_seconds": longest},
                ) from error
        return await self._whole(path)

    async def _whole(self, path: Path) -> WholeFile:
        segments: list[SegmentReport] = []
        seconds = 0.0
        async for update in self._timeline(FileSource(path)):
            if isinstance(update, Progress):
                seconds = update.seconds  # at the end: all of it, as decoded
            elif update.settled:
                segments.append(update)
        return WholeFile(seconds, tuple(segments))

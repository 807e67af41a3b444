"""What an identification answers: matches per lane, joined with their tracks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.errors import ErrorCode
from domain.library.track import Track
from domain.matches import ExactMatch, VibeMatch


class SearchMode(StrEnum):
    EXACT = "exact"
    VIBE = "vibe"
    BOTH = "both"

    def runs(self, lane: str) -> bool:
        return self is SearchMode.BOTH or self.value == lane


class LaneState(StrEnum):
    OK = "ok"
    SKIPPED = "skipped"  # not asked for
    UNAVAILABLE = "unavailable"  # switched off or its model/store cannot be used
    TIMEOUT = "timeout"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class LaneReport:
    """How a lane fared; every state but `ok` says why in `reason` (the CLI and the HTTP
    API both show this, in the same words)."""

    state: LaneState
    duration_ms: float = 0.0
    reason: str | None = None
    code: ErrorCode | None = None


@dataclass(frozen=True, slots=True)
class IdentifyResult:
    """Matches with their track rows; `lanes` says how each lane fared (never silently)."""

    exact: list[tuple[ExactMatch, Track]] = field(default_factory=list[tuple[ExactMatch, Track]])
    vibe: list[tuple[VibeMatch, Track]] = field(default_factory=list[tuple[VibeMatch, Track]])
    lanes: dict[str, LaneReport] = field(default_factory=dict[str, LaneReport])
    audio_seconds: float = 0.0

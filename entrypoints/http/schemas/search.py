"""Search requests (a clip, or a sentence) and what they answer."""

from __future__ import annotations

from typing import Annotated, Literal, TypeVar

import msgspec
from litestar.datastructures import UploadFile
from msgspec import UNSET, UnsetType

from application.identify.identify_result import LaneReport
from application.identify.search_policy import SearchPolicy
from domain.exact.reading import Certainty, evidence
from domain.library.track import Track
from domain.matches import ExactMatch, VibeMatch
from entrypoints.http.schemas.tracks import TrackSummary
from entrypoints.numbers import rounded

ModeName = Literal["exact", "vibe", "both"]

# No setting moves the range of max_results, so the schema can state the policy's own and
# a number outside it is refused with the other validation errors; the descriptions say
# its defaults too. The defaults themselves are applied by the route, from the policy it
# receives: a field left out is UNSET here (and null stays invalid).
_POLICY = SearchPolicy()
MaxResults = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=_POLICY.max_top,
        description=f"matches per lane (1-{_POLICY.max_top}); left out, {_POLICY.default_top}",
    ),
]
Mode = Annotated[
    ModeName, msgspec.Meta(description=f"lanes to run; left out, {_POLICY.default_mode}")
]
LaneStateName = Literal["ok", "skipped", "unavailable", "timeout", "failed"]
CertaintyName = Literal["certain", "likely", "possible"]
T = TypeVar("T")


def given(value: T | UnsetType) -> T | None:
    """A field's value, or None when the request left it out."""
    return None if isinstance(value, UnsetType) else value


class SearchForm(msgspec.Struct, kw_only=True):
    """multipart/form-data: `audio` is any format ffmpeg reads (mp3, wav, ogg, flac, m4a…).

    `exclude_exact_from_vibe`: leave the exact matches' tracks out of the sounds-alike list
    (a track always sounds like itself), still answering up to `max_results` others.
    """

    audio: UploadFile
    mode: Mode | UnsetType = UNSET
    max_results: MaxResults | UnsetType = UNSET
    exclude_exact_from_vibe: bool = False


class TextSearchRequest(msgspec.Struct, kw_only=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    max_results: MaxResults | UnsetType = UNSET


AlignedPoint = Annotated[
    tuple[float, float],
    msgspec.Meta(description="(seconds into the clip, seconds into the track) of one aligned hit"),
]


class ExactMatchOut(msgspec.Struct, kw_only=True):
    """The clip is a piece of `track`, starting `offset_seconds` into it.

    `aligned_points` are landmark hits that line up at that offset (a sample of at most 200,
    evenly spread over the clip): plotted, they draw the diagonal that made the match.
    `speed` is the fitted time-scale factor (1.05: the clip runs 5 % faster than the track).
    `confidence` is one minus the chance that an alignment this strong is a coincidence;
    `certainty` says it in a word (certain: below 1 in 1,000; likely: below 1 in 20;
    possible: weaker) and `evidence` in a sentence a person can read.
    """

    track: TrackSummary
    offset_seconds: float
    confidence: float
    certainty: CertaintyName
    evidence: str
    aligned_hashes: int
    query_start: float
    query_end: float
    aligned_points: list[AlignedPoint]
    speed: float

    @classmethod
    def of(cls, match: ExactMatch, track: Track, clip_seconds: float) -> ExactMatchOut:
        return cls(
            track=TrackSummary.of(track),
            offset_seconds=rounded(match.offset_seconds, 3),
            confidence=rounded(match.confidence, 4),
            certainty=Certainty.of(match.confidence).value,
            evidence=evidence(match, clip_seconds),
            aligned_hashes=match.aligned_hashes,
            query_start=rounded(match.query_start, 3),
            query_end=rounded(match.query_end, 3),
            aligned_points=[(rounded(q, 3), rounded(r, 3)) for q, r in match.aligned_points],
            speed=rounded(match.speed, 4),
        )


class VibeMatchOut(msgspec.Struct, kw_only=True):
    """`track` sounds like the query; `similarity` is the aggregated cosine similarity, whose
    scale depends on the model. `alike_percentile` says what it means: the per cent of the
    library's own pairs of 10 s passages (from two different tracks) that are less alike
    (99: more alike than 99 % of them); null while the library is too small to say."""

    track: TrackSummary
    similarity: float
    alike_percentile: float | None
    best_chunk_offset_seconds: float
    matched_chunks: int

    @classmethod
    def of(cls, match: VibeMatch, track: Track) -> VibeMatchOut:
        return cls(
            track=TrackSummary.of(track),
            similarity=round(match.similarity, 4),
            alike_percentile=match.alike_percentile,
            best_chunk_offset_seconds=rounded(match.best_chunk_offset_seconds, 3),
            matched_chunks=match.matched_chunks,
        )


class LaneStatus(msgspec.Struct, kw_only=True):
    """How a lane fared: `ok`, `skipped` (not asked), or why it gave nothing."""

    status: LaneStateName
    duration_ms: float
    reason: str | None = None
    code: str | None = None

    @classmethod
    def of(cls, report: LaneReport) -> LaneStatus:
        return cls(
            status=report.state.value,
            duration_ms=report.duration_ms,
            reason=report.reason,
            code=report.code,
        )


class Lanes(msgspec.Struct, kw_only=True):
    exact: LaneStatus
    vibe: LaneStatus


class SearchResponse(msgspec.Struct, kw_only=True):
    """`audio_seconds`: how long the clip was, as decoded."""

    request_id: str
    query_duration_ms: float
    audio_seconds: float
    exact_matches: list[ExactMatchOut]
    vibe_matches: list[VibeMatchOut]
    lanes: Lanes


class TextSearchResponse(msgspec.Struct, kw_only=True):
    request_id: str
    query_duration_ms: float
    vibe_matches: list[VibeMatchOut]

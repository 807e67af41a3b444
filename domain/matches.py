"""What a search answers: exact matches (this recording, at this offset) and vibe matches."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID


@dataclass(frozen=True, slots=True)
class ExactMatch:
    """The query is a piece of `track_id` starting `offset_seconds` into it.

    `aligned_points` show why: (seconds into the query, seconds into the track) of landmark
    hits that line up at the offset, a sample of at most a few hundred of them. `speed` is
    the fitted time-scale factor: 1.05 means the clip runs 5 % faster than the recording
    (tempo changed, or played off-speed); a pitch shift alone leaves it at 1.
    """

    track_id: UUID
    offset_seconds: float
    aligned_hashes: int
    confidence: float
    query_start: float
    query_end: float
    aligned_points: tuple[tuple[float, float], ...] = ()
    speed: float = 1.0


@dataclass(frozen=True, slots=True)
class VibeMatch:
    """`track_id` sounds like the query; `similarity` is aggregated chunk cosine similarity,
    and `alike_percentile` the per cent of the library's own pairs of passages (from two
    different tracks) that are less alike (domain.vibe.alikeness); None while the library
    is too small to say."""

    track_id: UUID
    similarity: float
    best_chunk_offset_seconds: float
    matched_chunks: int
    alike_percentile: float | None = None

    def with_alike_percentile(self, percentile: float | None) -> VibeMatch:
        return replace(self, alike_percentile=percentile)

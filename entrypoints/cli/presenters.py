"""Plain-dict views of matches for the CLI's JSON lines."""

from __future__ import annotations

from typing import Any

from application.identify.identify_result import LaneReport
from domain.library.track import Track
from domain.matches import ExactMatch, VibeMatch


def exact_match(match: ExactMatch, track: Track) -> dict[str, Any]:
    return {
        "track_id": str(track.id),
        "title": track.title,
        "artist": track.artist,
        "offset_seconds": round(match.offset_seconds, 3),
        "aligned_hashes": match.aligned_hashes,
        "confidence": round(match.confidence, 4),
        "query_start": round(match.query_start, 3),
        "query_end": round(match.query_end, 3),
        "speed": round(match.speed, 4),
    }


def vibe_match(match: VibeMatch, track: Track) -> dict[str, Any]:
    return {
        "track_id": str(track.id),
        "title": track.title,
        "artist": track.artist,
        "similarity": round(match.similarity, 4),
        "best_chunk_offset_seconds": round(match.best_chunk_offset_seconds, 3),
        "matched_chunks": match.matched_chunks,
    }


def lane(report: LaneReport) -> dict[str, Any]:
    """The HTTP API's `lanes` entry, key for key: one vocabulary for how a lane fared."""
    return {
        "status": report.state.value,
        "duration_ms": report.duration_ms,
        "reason": report.reason,
        "code": report.code.value if report.code else None,
    }

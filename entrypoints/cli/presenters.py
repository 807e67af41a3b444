"""How the CLI shows things: plain-dict views for its JSON lines, and positions, lengths
and names for its text lines (the same as the web app's `format.js`)."""

from __future__ import annotations

import math
from typing import Any

from application.identify.identify_result import LaneReport
from domain.exact.reading import Certainty, evidence
from domain.library.track import Track
from domain.matches import ExactMatch, VibeMatch
from entrypoints.http.schemas.tracks import MISSING_ARTIST
from entrypoints.numbers import rounded


def position(seconds: float) -> str:
    """A position in a recording, to the tenth: 83.44 → "1:23.4", past an hour
    "1:02:03.4"; never "-0:00.0" (a tiny negative offset is the start)."""
    tenths = math.floor(seconds * 10 + 0.5)  # halves up, as the web app's Math.round
    sign = "-" if tenths < 0 else ""
    minutes, rest = divmod(abs(tenths), 600)
    hours, minutes = divmod(minutes, 60)
    clock = f"{hours}:{minutes:02d}" if hours else f"{minutes}"
    return f"{sign}{clock}:{rest // 10:02d}.{rest % 10}"


def length(seconds: float) -> str:
    """A recording's length in whole seconds: 203.9 → "3:24" (as the web app shows it)."""
    minutes, whole = divmod(max(0, round(seconds)), 60)
    return f"{minutes}:{whole:02d}"


def artist(name: str | None) -> str:
    """The artist, or the one word every client uses when the file named none."""
    return name or MISSING_ARTIST


def exact_match(match: ExactMatch, track: Track, clip_seconds: float) -> dict[str, Any]:
    return {
        "track_id": str(track.id),
        "title": track.title,
        "artist": track.artist,
        "offset_seconds": rounded(match.offset_seconds, 3),
        "aligned_hashes": match.aligned_hashes,
        "confidence": rounded(match.confidence, 4),
        "certainty": Certainty.of(match.confidence).value,
        "evidence": evidence(match, clip_seconds),
        "query_start": rounded(match.query_start, 3),
        "query_end": rounded(match.query_end, 3),
        "speed": rounded(match.speed, 4),
    }


def vibe_match(match: VibeMatch, track: Track) -> dict[str, Any]:
    return {
        "track_id": str(track.id),
        "title": track.title,
        "artist": track.artist,
        "similarity": rounded(match.similarity, 4),
        "alike_percentile": match.alike_percentile,
        "best_chunk_offset_seconds": rounded(match.best_chunk_offset_seconds, 3),
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


TRACK_COLUMNS: tuple[str, ...] = (
    "id", "title", "artist", "album", "duration_seconds", "format", "codec", "sample_rate",
    "channels", "bitrate", "file_size", "sha256", "original_filename", "created_at",
    "updated_at",
)  # fmt: skip


def track_row(track: Track) -> dict[str, Any]:
    """A track as one row of an export (TRACK_COLUMNS): what was read from its file and
    its names, without its print."""
    return {
        "id": str(track.id),
        "title": track.title,
        "artist": track.artist,
        "album": track.album,
        "duration_seconds": track.duration_seconds,
        "format": track.format,
        "codec": track.codec,
        "sample_rate": track.sample_rate,
        "channels": track.channels,
        "bitrate": track.bitrate,
        "file_size": track.file_size,
        "sha256": track.sha256,
        "original_filename": track.original_filename,
        "created_at": track.created_at.isoformat(),
        "updated_at": track.updated_at.isoformat(),
    }


def track_line(track: Track) -> str:
    """`<id>  Title — Artist  (Album)  3:24`"""
    album = f"  ({track.album})" if track.album else ""
    return (
        f"{track.id}  {track.title} — {artist(track.artist)}{album}  "
        f"{length(track.duration_seconds)}"
    )

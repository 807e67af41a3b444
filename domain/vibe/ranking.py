"""From nearest chunks to ranked tracks: the vibe lane's aggregation formula."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from domain.matches import VibeMatch
from domain.ports.vector_index import ChunkHit

TOP_CHUNKS = 3


def best_per_chunk(hits: Iterable[ChunkHit]) -> dict[tuple[UUID, int], ChunkHit]:
    """One hit per stored chunk, the most similar (several query chunks may reach it)."""
    best: dict[tuple[UUID, int], ChunkHit] = {}
    for hit in hits:
        key = (hit.track_id, hit.chunk_index)
        if key not in best or hit.similarity > best[key].similarity:
            best[key] = hit
    return best


def rank_tracks(
    hits: Iterable[ChunkHit], limit: int, top_chunks: int = TOP_CHUNKS
) -> list[VibeMatch]:
    """Group chunk hits by track and score each track.

    similarity = mean of the track's `top_chunks` best chunk similarities among the fetched
    chunks (fewer when fewer were fetched). One great chunk is the core of "sounds like this
    snippet"; averaging a few more rewards tracks that keep that sound, without making long
    tracks win merely by having more chunks (a sum would). Ties break on track id, so the
    order is deterministic. `matched_chunks` counts the track's fetched chunks and
    `best_chunk_offset_seconds` is where its most similar chunk starts.
    """
    by_track: defaultdict[UUID, list[ChunkHit]] = defaultdict(list)
    for hit in best_per_chunk(hits).values():
        by_track[hit.track_id].append(hit)
    matches: list[VibeMatch] = []
    for track_id, chunks in by_track.items():
        chunks.sort(key=lambda hit: hit.similarity, reverse=True)
        top = chunks[:top_chunks]
        matches.append(
            VibeMatch(
                track_id=track_id,
                similarity=sum(hit.similarity for hit in top) / len(top),
                best_chunk_offset_seconds=top[0].offset_seconds,
                matched_chunks=len(chunks),
            )
        )
    matches.sort(key=lambda match: (-match.similarity, str(match.track_id)))
    return matches[:limit]

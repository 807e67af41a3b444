"""The exact lane's matching, written once: which keys to read, the hits they give, the
alignment (an offset, or an offset and a slope for a stretchable print) and its confidence.

Every index adapter only stores and reads (domain.ports.fingerprint_index.IndexSnapshot);
clips and timeline windows are matched here, so any index scores a print identically.
"""

from __future__ import annotations

from domain.exact.alignment import to_exact_matches
from domain.exact.fingerprint import LandmarkFingerprint
from domain.exact.hits import join_hits, query_keys, specific_keys
from domain.exact.slopes import align_query
from domain.matches import ExactMatch
from domain.ports.fingerprint_index import IndexSnapshot


def match_print(index: IndexSnapshot, query: LandmarkFingerprint, limit: int) -> list[ExactMatch]:
    """Tracks whose entries line up with the query, best first, at most `limit`.

    Every candidate is verified (hits re-counted in a narrow band around its alignment) and
    carries a confidence in [0, 1]: how unlikely its alignment is by chance, given the
    query's length and what the index holds. Weak candidates may be included; callers
    choose their own threshold.
    """
    keys = query_keys(query)
    if limit <= 0 or len(keys) == 0:
        return []
    hashes, values = index.postings(keys[specific_keys(index.counts(keys))])
    hits = join_hits(query, hashes, values)
    alignments = align_query(hits, index.track_frames, index.total_frames, query, limit)
    ids = {a.track: index.track_id(a.track) for a in alignments}
    return to_exact_matches(
        alignments, query, {number: id_ for number, id_ in ids.items() if id_ is not None}
    )

"""Deciding whether two Chromaprints are the same recording: a re-encode, a re-tag, or a
copy cut short (one contained in the other).

Chromaprint words are 32 bits of 16 two-bit classifiers per ~124 ms frame. Copies of one
recording differ in a few bits per word; unrelated audio differs in about half of them.
Two copies can start at different frames (leading silence, encoder delay, a copy cut from
the middle), so the prints are compared at the offsets where their words agree most often,
never position by position.

Copies of one length are duplicates at a bit error rate up to `MAX_BIT_ERROR`: the equal
lengths are evidence already. A copy of another length is one when the shorter lines up
inside the longer over most of its length, which needs more: the shorter must last at
least `MIN_CONTAINED_WORDS` and agree to `MAX_CONTAINED_BIT_ERROR`. Measured on the
development corpus (`bench/dedup_containment.py`, bench/RESULTS.md): copies cut from a
track, clean or MP3 at 64 kbit/s, err at most 7.7 %; the closest other track, a version of
the same piece played 7 % faster, 18.9 % on 18 s, but 14.7 % on 10 s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.exact.fingerprint import Chromaprint

TERM_SHIFT = 12  # index terms keep the 20 most significant bits (10 of the 16 classifiers)
TERM_STRIDE = 4  # the index keeps one word in four; a query looks up every word
MAX_BIT_ERROR = 0.20  # re-encodes measure 0.02–0.12 here; unrelated music about 0.45–0.5
MIN_OVERLAP = 0.8  # the aligned part must cover most of the shorter recording
SAME_LENGTH_GAP = 0.05  # relative; past it, the shorter copy must be contained in the longer
MIN_CONTAINED_WORDS = 120  # ~15 s: shorter stretches of other music can agree by chance
MAX_CONTAINED_BIT_ERROR = 0.12
CANDIDATE_OFFSETS = 3
WORD_SECONDS = 1365 / 11025  # Chromaprint's hop at its own 11 025 Hz: one word per ~124 ms


@dataclass(frozen=True, slots=True)
class PrintComparison:
    similarity: float  # 1 - bit error rate over the aligned overlap
    offset_words: int  # b's word i lines up with a's word i + offset
    overlap: float  # aligned words / words of the shorter print


def index_terms(print_: Chromaprint) -> npt.NDArray[np.int32]:
    """The sparse set of terms a library track is indexed under."""
    return _terms(print_.words[::TERM_STRIDE])


def query_terms(print_: Chromaprint) -> npt.NDArray[np.int32]:
    """Every term of a new file, so that it meets the sparse terms of any copy."""
    return _terms(print_.words)


def _terms(words: npt.NDArray[np.uint32]) -> npt.NDArray[np.int32]:
    return np.unique((words >> TERM_SHIFT).astype(np.int32))


def compare(a: Chromaprint, b: Chromaprint) -> PrintComparison:
    """Best alignment of `b` against `a` and how similar they are there."""
    if len(a.words) == 0 or len(b.words) == 0:
        return PrintComparison(0.0, 0, 0.0)
    best = PrintComparison(0.0, 0, 0.0)
    for offset in _likely_offsets(a.words, b.words):
        candidate = _compare_at(a.words, b.words, offset)
        if candidate.similarity > best.similarity:
            best = candidate
    return best


def is_near_duplicate(a: Chromaprint, a_seconds: float, b: Chromaprint, b_seconds: float) -> bool:
    """The same recording: equal lengths (a re-encode), or the shorter inside the longer."""
    longer = max(a_seconds, b_seconds)
    if longer <= 0:
        return False
    contained = abs(a_seconds - b_seconds) / longer > SAME_LENGTH_GAP
    if contained and min(len(a.words), len(b.words)) < MIN_CONTAINED_WORDS:
        return False
    result = compare(a, b)
    max_error = MAX_CONTAINED_BIT_ERROR if contained else MAX_BIT_ERROR
    return result.overlap >= MIN_OVERLAP and result.similarity >= 1.0 - max_error


def _likely_offsets(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> list[int]:
    """Offsets voted for by words whose terms agree; always includes 0."""
    a_terms, b_terms = a >> TERM_SHIFT, b >> TERM_SHIFT
    positions: dict[int, list[int]] = {}
    for index, term in enumerate(a_terms.tolist()):
        positions.setdefault(term, []).append(index)
    votes: dict[int, int] = {}
    for j, term in enumerate(b_terms.tolist()):
        for i in positions.get(term, ())[:8]:  # cap: a silent stretch repeats one term
            votes[i - j] = votes.get(i - j, 0) + 1
    ranked = sorted(votes, key=lambda off: votes[off], reverse=True)[:CANDIDATE_OFFSETS]
    return ranked if 0 in ranked else [*ranked, 0]


def _compare_at(
    a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32], offset: int
) -> PrintComparison:
    a_start, b_start = max(offset, 0), max(-offset, 0)
    length = min(len(a) - a_start, len(b) - b_start)
    if length <= 0:
        return PrintComparison(0.0, offset, 0.0)
    diff = np.bitwise_xor(a[a_start : a_start + length], b[b_start : b_start + length])
    errors = int(np.bitwise_count(diff).sum())
    similarity = 1.0 - errors / (32.0 * length)
    return PrintComparison(similarity, offset, length / min(len(a), len(b)))

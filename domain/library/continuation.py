"""Whether a longer file that holds a library track is that recording with more of it (the
kept copy was cut short: the new file may replace it) or a longer, different recording
that includes it (a DJ mix, a radio capture, an album in one file, a live set with talk
around the song: reported as containing the track, which keeps its copy).

Where the kept copy lies in the new file says which of its ends the new file goes on past:
a copy cut at the start of the recording is continued at its end only, one cut from the
middle at both. At each end the new file goes on past, the kept copy must have been *cut*
there, in the middle of the recording, and the new file must simply go on with it:

- the kept copy does not start (or end) in near silence there (a frame `QUIET_DB` below
  its typical level within its first or last second): that is a recording's own edge,
  and what the new file holds past it is other audio;
- the sound does not change across the point more than it changes anywhere in the kept
  copy's own `LOCAL_SECONDS` beside it (another recording starts there, or a gap);
- the Chromaprints agree at that end as well as a copy cut short must: a mix that blends
  the track into the next one disagrees where both play at once.

The application adds what only the library knows: a new file that holds other library
tracks outside the kept copy's part is never that copy's recording.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from domain.exact.fingerprint import Chromaprint
from domain.library.junction import QUIET_DB, WINDOW_SECONDS, BandLevels
from domain.library.near_duplicate import (
    MAX_CONTAINED_BIT_ERROR,
    MIN_CONTAINED_WORDS,
    WORD_SECONDS,
    compare,
)

LOCAL_SECONDS = 20.0  # the part of the kept copy whose own changes a junction is held to
# The kept copy's own first (last) second, inset past where the alignment may be a word
# or two off: a moment of near silence there is a recording's start (end).
EDGE_INSET = (0.25, 1.0)
EDGE_WORDS = 24  # ~3 s of Chromaprint words at an end of the kept copy
PIECE_WORDS = 160  # ~20 s: pieces of the rest of the new file looked up in the library


class Containing(StrEnum):
    """Why a longer file is another recording that holds the track (the word reported)."""

    OTHER_TRACKS = "other library tracks around it"
    RECORDING_EDGE = "other audio past the track's own start or end"
    CHANGE = "other audio where the sound changes"
    BLENDED = "the track blended into other audio"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the kept copy lies in the new file, in seconds of the new file, and at which
    Chromaprint offset (the new file's word i is the kept copy's word i + offset)."""

    start: float
    end: float
    new_seconds: float
    offset_words: int

    @classmethod
    def of(
        cls, kept: Chromaprint, kept_seconds: float, new: Chromaprint, new_seconds: float
    ) -> Placement:
        offset = compare(kept, new).offset_words
        start = max(0.0, -offset * WORD_SECONDS)
        return cls(start, min(new_seconds, start + kept_seconds), new_seconds, offset)

    def outside_words(self, new: Chromaprint) -> list[Chromaprint]:
        """The new file's words outside the kept copy's part, in pieces of `PIECE_WORDS`
        (shorter ends, too short to be told from chance, are left out)."""
        first = int(self.start / WORD_SECONDS)
        last = int(np.ceil(self.end / WORD_SECONDS))
        pieces: list[Chromaprint] = []
        for lo, hi in ((0, first), (last, len(new.words))):
            for at in range(lo, hi, PIECE_WORDS):
                words = new.words[at : min(hi, at + PIECE_WORDS)]
                if len(words) >= MIN_CONTAINED_WORDS:
                    pieces.append(Chromaprint(words))
        return pieces


def why_another_recording(
    placement: Placement, kept: Chromaprint, new: Chromaprint, levels: BandLevels
) -> Containing | None:
    """Why the new file is not the kept copy's recording with more of it, judged from its
    audio at the ends of the kept copy's part; None when it goes on with it at every end."""
    ends: list[bool] = []
    if placement.start >= WINDOW_SECONDS and not levels.is_silent(0.0, placement.start):
        ends.append(True)
    if placement.new_seconds - placement.end >= WINDOW_SECONDS and not levels.is_silent(
        placement.end, placement.new_seconds
    ):
        ends.append(False)
    typical = levels.typical_level_db(placement.start, placement.end)
    for at_start in ends:
        point = placement.start if at_start else placement.end
        near, far = EDGE_INSET
        inside = (point + near, point + far) if at_start else (point - far, point - near)
        if levels.quietest_db(*inside) < typical - QUIET_DB:
            return Containing.RECORDING_EDGE
        local = (
            (point, min(placement.end, point + LOCAL_SECONDS))
            if at_start
            else (max(placement.start, point - LOCAL_SECONDS), point)
        )
        if levels.change_at(point) > levels.largest_change(*local):
            return Containing.CHANGE
        if _edge_bit_error(kept, new, placement.offset_words, at_start) > MAX_CONTAINED_BIT_ERROR:
            return Containing.BLENDED
    return None


def _edge_bit_error(kept: Chromaprint, new: Chromaprint, offset: int, at_start: bool) -> float:
    """Bit error rate of the kept copy's first (or last) `EDGE_WORDS` aligned words."""
    kept_index = np.arange(len(kept.words))
    new_index = kept_index - offset
    inside = (new_index >= 0) & (new_index < len(new.words))
    kept_words, new_words = kept.words[kept_index[inside]], new.words[new_index[inside]]
    if len(kept_words) == 0:
        return 1.0
    edge = slice(0, EDGE_WORDS) if at_start else slice(-EDGE_WORDS, None)
    diff = np.bitwise_xor(kept_words[edge], new_words[edge])
    return float(np.bitwise_count(diff).sum()) / (32.0 * len(diff))

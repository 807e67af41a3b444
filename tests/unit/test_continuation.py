"""Whether a longer file goes on with the kept copy's recording or holds it among other
audio: the rule on generated audio, with Chromaprints built to line up where it says."""

from __future__ import annotations

import numpy as np
import pytest

from domain.audio import PcmAudio
from domain.exact.fingerprint import Chromaprint
from domain.library.continuation import Containing, Placement, why_another_recording
from domain.library.junction import BandLevels
from domain.library.near_duplicate import WORD_SECONDS
from tests.support.audio_factory import joined, synth_track, talk, whole_song

RATE = 16_000


def _words(seconds: float, seed: int) -> Chromaprint:
    rng = np.random.default_rng(seed)
    return Chromaprint(rng.integers(0, 2**32, int(seconds / WORD_SECONDS), dtype=np.uint32))


def _judge(
    new: PcmAudio, start: float, seconds: float, blur_edges: float = 0.0
) -> Containing | None:
    """The kept copy is `seconds` of the new file from `start`; its print is the new file's
    words there (with a share of the bits at its ends flipped, as in a blended mix)."""
    new_print = _words(new.duration_seconds, seed=99)
    first = int(round(start / WORD_SECONDS))
    kept_words = new_print.words[first : first + int(seconds / WORD_SECONDS)].copy()
    if blur_edges:
        rng = np.random.default_rng(5)
        for edge in (slice(0, 40), slice(-40, None)):
            flips = rng.random((len(kept_words[edge]), 32)) < blur_edges
            masks = (flips * (1 << np.arange(32, dtype=np.uint64))).sum(axis=1)
            kept_words[edge] ^= masks.astype(np.uint32)
    kept = Chromaprint(kept_words)
    place = Placement.of(kept, seconds, new_print, new.duration_seconds)
    assert place.start == pytest.approx(start, abs=WORD_SECONDS)
    return why_another_recording(place, kept, new_print, BandLevels.of(new))


def test_a_copy_cut_at_the_start_is_continued_by_the_whole_recording() -> None:
    song = whole_song(11, 60.0)
    assert _judge(song, 0.0, 18.0) is None


def test_a_copy_cut_from_the_middle_is_continued_at_both_ends() -> None:
    song = whole_song(11, 60.0)
    assert _judge(song, 20.0, 20.0) is None


def test_silence_after_the_recording_is_not_more_of_anything() -> None:
    song = whole_song(12, 40.0)
    padded = joined(song, PcmAudio(np.zeros(4 * RATE, dtype=np.float32), RATE))
    assert _judge(padded, 0.0, 40.0) is None


def test_audio_past_a_recording_s_own_start_or_end_is_another_recording() -> None:
    song = whole_song(13, 60.0)
    radio = joined(talk(1, 30.0), song, synth_track(31, 40.0))
    assert _judge(radio, 30.0, 60.0) is Containing.RECORDING_EDGE
    # Also when only the song's first 18 s are kept: the mix goes on past its start.
    assert _judge(radio, 30.0, 18.0) is Containing.RECORDING_EDGE


def test_a_recording_without_quiet_edges_is_told_by_the_change_in_sound() -> None:
    loop = synth_track(21, 60.0)  # starts and ends at full level, as game loops do
    radio = joined(talk(2, 30.0), loop, talk(3, 30.0))
    assert _judge(radio, 30.0, 60.0) is Containing.CHANGE


def test_a_track_blended_into_the_next_one_is_not_cut_short() -> None:
    loop = synth_track(22, 60.0)
    assert _judge(loop, 20.0, 20.0) is None
    assert _judge(loop, 20.0, 20.0, blur_edges=0.3) is Containing.BLENDED


def test_the_rest_of_the_file_is_cut_into_pieces_long_enough_to_look_up() -> None:
    new = _words(70.0, seed=1)
    kept = Chromaprint(new.words[323 : 323 + 242])  # 40 s in, 30 s long
    place = Placement.of(kept, 30.0, new, 70.0)
    # 40 s before: two whole pieces of 160 words and 3 left over; none after.
    assert [len(p.words) for p in place.outside_words(new)] == [160, 160]
    assert place.end == pytest.approx(70.0, abs=0.2)


def test_the_sound_changes_across_a_gap_more_than_within_a_recording() -> None:
    song = synth_track(23, 20.0)
    gap = PcmAudio(np.zeros(3 * RATE, dtype=np.float32), RATE)
    levels = BandLevels.of(joined(song, gap, song))
    assert levels.change_at(20.0) > levels.largest_change(0.0, 20.0)
    assert levels.is_silent(20.2, 22.8) and not levels.is_silent(0.0, 20.0)


def test_a_moment_of_silence_before_the_sound_starts_is_a_recording_s_edge() -> None:
    # The sound starts 0.5 s in, at full level: the lead-in is the only sign of the edge.
    lead_in = PcmAudio(np.zeros(RATE // 2, dtype=np.float32), RATE)
    song = joined(lead_in, synth_track(24, 40.0))
    radio = joined(talk(6, 30.0), song)
    assert _judge(radio, 30.0, song.duration_seconds) is Containing.RECORDING_EDGE

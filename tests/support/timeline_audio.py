"""Generated mixes for timeline tests: tiny synthetic tracks joined by crossfades."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import numpy as np

from domain.audio import PcmAudio
from tests.support.audio_factory import synth_track

RATE = 16_000
TRACK_SECONDS = 40.0
# Library tracks of the mixes; UNKNOWN is never ingested.
FIRST, SECOND, UNKNOWN = 31, 32, 99


@dataclass(frozen=True, slots=True)
class Piece:
    """`seconds` of track `seed` from `start` in it, crossfading into the next over `fade`;
    played at `tempo` with its pitch kept (key lock: `seconds` of the track then last
    seconds / tempo in the mix) and shifted by `semitones` (ffmpeg's rubberband filter)."""

    seed: int
    start: float
    seconds: float
    fade: float = 0.0
    tempo: float = 1.0
    semitones: float = 0.0


@dataclass(frozen=True, slots=True)
class Placed:
    seed: int
    start: float  # in the mix
    end: float
    offset: float  # in the track, at `start`
    tempo: float = 1.0


def played(audio: PcmAudio, tempo: float, semitones: float) -> PcmAudio:
    """The audio as a DJ's player gives it: tempo changed with the pitch kept, pitch shifted."""
    if tempo == 1.0 and semitones == 0.0:
        return audio
    options = f"rubberband=tempo={tempo}:pitch={2 ** (semitones / 12):.6f}:pitchq=quality"
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "f32le", "-ar", str(audio.sample_rate), "-ac", "1",
         "-i", "-", "-af", options, "-f", "f32le", "-"],
        input=audio.samples.astype(np.float32).tobytes(),
        capture_output=True,
        check=True,
    ).stdout  # fmt: skip
    return PcmAudio(np.frombuffer(raw, np.float32).copy(), audio.sample_rate)


def track(seed: int) -> PcmAudio:
    return synth_track(seed, TRACK_SECONDS, RATE)


def mix(pieces: list[Piece]) -> tuple[PcmAudio, list[Placed]]:
    """The pieces one after another, each fading in over the previous one's fade."""
    out = np.zeros(int(sum(p.seconds for p in pieces) * RATE), np.float64)
    placed: list[Placed] = []
    at, fade_in = 0, 0
    for piece in pieces:
        at -= fade_in
        cut = track(piece.seed).samples[int(piece.start * RATE) :][: int(piece.seconds * RATE)]
        source = played(PcmAudio(cut, RATE), piece.tempo, piece.semitones).samples
        gain = np.ones(len(source))
        fade_out = int(piece.fade * RATE)
        if fade_in:
            gain[:fade_in] = np.linspace(0.0, 1.0, fade_in)
        if fade_out:
            gain[-fade_out:] = np.linspace(1.0, 0.0, fade_out)
        out[at : at + len(source)] += source * gain
        placed.append(
            Placed(piece.seed, at / RATE, (at + len(source)) / RATE, piece.start, piece.tempo)
        )
        at += len(source)
        fade_in = fade_out
    return PcmAudio(out[:at].astype(np.float32), RATE), placed


# A, crossfade, B, an unknown stretch, then A again from further in.
SET = [
    Piece(FIRST, 5.0, 14.0, fade=2.0),
    Piece(SECOND, 0.0, 14.0, fade=1.0),
    Piece(UNKNOWN, 0.0, 11.0, fade=1.0),
    Piece(FIRST, 20.0, 13.0),
]

# As a DJ plays them with key lock: A 6 % faster at the same pitch, then B a semitone up.
DJ_SET = [
    Piece(FIRST, 4.0, 24.0, fade=2.0, tempo=1.06),
    Piece(SECOND, 2.0, 20.0, semitones=1.0),
]

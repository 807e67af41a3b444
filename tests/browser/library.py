"""The generated library the browser tests run against, and clips cut from it.

Three tagged "albums" tracks (MP3, 30 s) to identify and play, twelve short untagged fillers
(titles from their file names) so the library has more than one page, and the clips: one
for the fake microphone, one to upload, one of audio the library does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from domain.audio import PcmAudio
from tests.support.audio_factory import encode, synth_track, write_wav

RATE = 44_100
FILLERS = 12


@dataclass(frozen=True, slots=True)
class Song:
    title: str
    artist: str
    album: str
    seed: int
    seconds: float = 30.0

    def audio(self) -> PcmAudio:
        return synth_track(self.seed, self.seconds, RATE)

    def write(self, folder: Path) -> Path:
        wav = write_wav(folder / f"{self.seed}.wav", self.audio())
        tags = [f"title={self.title}", f"artist={self.artist}", f"album={self.album}"]
        options = [part for tag in tags for part in ("-metadata", tag)]
        target = encode(wav, folder / f"{self.title}.mp3", *options, "-b:a", "192k")
        wav.unlink()
        return target

    def clip(self, path: Path, start: float, seconds: float) -> Path:
        """A piece of the original (not of the MP3), as WAV, or re-encoded by suffix."""
        audio = self.audio()
        begin = int(start * RATE)
        piece = PcmAudio(audio.samples[begin : begin + int(seconds * RATE)], RATE)
        if path.suffix == ".wav":
            return write_wav(path, piece)
        wav = write_wav(path.with_suffix(".source.wav"), piece)
        encoded = encode(wav, path)
        wav.unlink()
        return encoded


SONGS = (
    Song("Harbour Lights", "The Lanterns", "Night Ferries", 101),
    Song("Copper Fields", "Mira Solace", "Seasons", 102),
    Song("Glass Orchard", "Tomas Verne", "Seasons", 103),
)
# Added (and deleted again) by the admin test, so the others see the library unchanged.
NEWCOMER = Song("Late Tram", "Ona Vale", "Night Ferries", 104, 20.0)


def filler_title(number: int) -> str:
    return f"Filler Study {number:02d}"


def write_library(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [song.write(folder) for song in SONGS]
    for number in range(1, FILLERS + 1):
        audio = synth_track(500 + number, 6.0, RATE)
        files.append(write_wav(folder / f"{filler_title(number)}.wav", audio))
    return files


def unknown_clip(path: Path, seconds: float = 6.0) -> Path:
    return write_wav(path, synth_track(999, seconds, RATE))


@dataclass(frozen=True, slots=True)
class Piece:
    """`seconds` of `song` from `start` in it, played `speed` times as fast (tempo and pitch
    together, as a turntable does); `song` None: audio the library does not hold."""

    song: Song | None
    start: float
    seconds: float
    speed: float = 1.0


# A set of four pieces back to back: three songs (the last one played 4 % fast) and an
# unknown stretch, 75 s in all, so longer than a search clip (60 s). Each piece's start in
# the mix: 0, 20, 45, 55 s.
SET = (
    Piece(SONGS[0], 5.0, 20.0),
    Piece(SONGS[1], 0.0, 25.0),
    Piece(None, 0.0, 10.0),
    Piece(SONGS[2], 3.0, 20.0, speed=1.04),
)


def starts(pieces: Sequence[Piece]) -> list[float]:
    """Where each piece begins in the mix."""
    return [float(sum(p.seconds for p in pieces[:n])) for n in range(len(pieces))]


def mix(path: Path, pieces: Sequence[Piece], suffix_options: Sequence[str] = ()) -> Path:
    """The pieces cut from the originals, back to back, as WAV (or re-encoded by suffix)."""
    parts = []
    for piece in pieces:
        audio = piece.song.audio() if piece.song else synth_track(999, 30.0, RATE)
        # Sample n of the piece is the original's at start + n * speed (linear interpolation).
        at = piece.start * RATE + np.arange(int(piece.seconds * RATE)) * piece.speed
        parts.append(np.interp(at, np.arange(len(audio.samples)), audio.samples))
    joined = PcmAudio(np.concatenate(parts).astype(np.float32), RATE)
    if path.suffix == ".wav":
        return write_wav(path, joined)
    wav = write_wav(path.with_suffix(".source.wav"), joined)
    encoded = encode(wav, path, *suffix_options)
    wav.unlink()
    return encoded


def library_size() -> int:
    return len(SONGS) + FILLERS

"""The generated library the browser tests run against, and clips cut from it.

Three tagged "albums" tracks (MP3, 30 s) to identify and play, twelve short untagged fillers
(titles from their file names) so the library has more than one page, and the clips: one
for the fake microphone, one to upload, one of audio the library does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


def unknown_clip(path: Path) -> Path:
    return write_wav(path, synth_track(999, 6.0, RATE))


def library_size() -> int:
    return len(SONGS) + FILLERS

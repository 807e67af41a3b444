"""Test audio files for the API: tracks and clips cut from them, in real formats."""

from __future__ import annotations

from pathlib import Path

from domain.audio import PcmAudio
from tests.support.audio_factory import encode, synth_track, write_wav


def track_file(folder: Path, seed: int, name: str, seconds: float = 14.0) -> Path:
    """A distinct synthetic track; `name`'s suffix picks the format (wav, mp3, ...)."""
    wav = write_wav(folder / f"track-{seed}.wav", synth_track(seed, seconds))
    return wav.rename(folder / name) if name.endswith(".wav") else encode(wav, folder / name)


def clip_file(folder: Path, seed: int, start: float, seconds: float, name: str) -> Path:
    """`seconds` of track `seed` from `start`; .m4a keeps ffmpeg's default (index at the end)."""
    audio = synth_track(seed, 14.0)
    rate = audio.sample_rate
    piece = PcmAudio(audio.samples[int(start * rate) : int((start + seconds) * rate)], rate)
    wav = write_wav(folder / f"clip-{seed}-{start}.wav", piece)
    return wav.rename(folder / name) if name.endswith(".wav") else encode(wav, folder / name)


def upload(path: Path, field: str = "audio") -> tuple[str, tuple[str, bytes]]:
    return field, (path.name, path.read_bytes())

"""What the audio does at a point of a file: is it near silence there, and does its sound
change across the point more than the recording before (or after) it changes on its own.

Measured on band energies (16 bands, 100 Hz–7 kHz, log-spaced) of short frames: a window
is the level of each band over `WINDOW_SECONDS`, in dB; the change across a point is the
root-mean-square difference in dB between the window that ends there and the one that
starts there. Level and timbre both count: a drop into silence, another instrument or
another key all move the bands.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from domain.audio import PcmAudio

FRAME = 2048  # samples at 16 kHz: 128 ms
HOP = 1024
CHUNK_FRAMES = 1024  # frames analysed at once, so memory stays small for long files
BAND_EDGES_HZ = np.geomspace(100.0, 7000.0, 17)
WINDOW_SECONDS = 2.0  # long enough to average over notes, short enough to place a change
STEP_SECONDS = 0.25  # where the recording's own changes are sampled
QUIET_DB = 30.0  # a thousandth of the recording's typical power: a fade's end, a gap
SILENT_DBFS = -60.0  # below this the audio is silence whatever the recording
_FLOOR = 1e-10


@dataclass(frozen=True, slots=True)
class BandLevels:
    """Band powers per frame of one file, and where each frame starts."""

    powers: npt.NDArray[np.float64]  # frames x bands
    frame_seconds: float

    @classmethod
    def of(cls, audio: PcmAudio) -> BandLevels:
        samples = audio.samples.astype(np.float32)
        count = (len(samples) - FRAME) // HOP + 1 if len(samples) >= FRAME else 0
        if count <= 0:
            return cls(np.zeros((0, len(BAND_EDGES_HZ) - 1)), HOP / audio.sample_rate)
        frames = np.lib.stride_tricks.sliding_window_view(samples, FRAME)[::HOP][:count]
        window = np.hanning(FRAME).astype(np.float32) / np.float32(FRAME / 4.0)
        bins = np.searchsorted(np.fft.rfftfreq(FRAME, 1.0 / audio.sample_rate), BAND_EDGES_HZ)
        powers = np.empty((count, len(bins) - 1))
        for at in range(0, count, CHUNK_FRAMES):  # a 30 min file's spectra at once: ~350 MB
            chunk = frames[at : at + CHUNK_FRAMES] * window
            spectrum = np.abs(np.fft.rfft(chunk, axis=1)) ** 2  # a full-scale sine ~0 dB
            powers[at : at + len(chunk)] = np.add.reduceat(
                spectrum[:, : bins[-1]], bins[:-1], axis=1
            )
        return cls(powers, HOP / audio.sample_rate)

    @property
    def seconds(self) -> float:
        return len(self.powers) * self.frame_seconds

    def window_db(self, start: float, end: float) -> npt.NDArray[np.float64]:
        """Each band's level in dB over [start, end)."""
        first = max(0, int(round(start / self.frame_seconds)))
        last = min(len(self.powers), max(first + 1, int(round(end / self.frame_seconds))))
        if first >= len(self.powers):
            return np.full(len(BAND_EDGES_HZ) - 1, 10.0 * np.log10(_FLOOR), dtype=np.float64)
        mean: npt.NDArray[np.float64] = self.powers[first:last].mean(axis=0)
        return 10.0 * np.log10(mean + _FLOOR)

    def level_db(self, start: float, end: float) -> float:
        """The overall level over [start, end) in dB."""
        return float(10.0 * np.log10(np.power(10.0, self.window_db(start, end) / 10.0).sum()))

    def change_at(self, point: float) -> float:
        """How much the sound changes across `point` (dB, RMS over the bands)."""
        before = self.window_db(point - WINDOW_SECONDS, point)
        after = self.window_db(point, point + WINDOW_SECONDS)
        return float(np.sqrt(np.mean((before - after) ** 2)))

    def largest_change(self, start: float, end: float) -> float:
        """The largest change across any point of [start, end) whose two windows lie inside
        it: how much the recording there changes on its own."""
        points = np.arange(start + WINDOW_SECONDS, end - WINDOW_SECONDS + 1e-9, STEP_SECONDS)
        return max((self.change_at(float(p)) for p in points), default=0.0)

    def typical_level_db(self, start: float, end: float) -> float:
        """The median level of the windows of [start, end)."""
        points = np.arange(start, max(start, end - WINDOW_SECONDS) + 1e-9, WINDOW_SECONDS)
        return float(np.median([self.level_db(p, p + WINDOW_SECONDS) for p in points]))

    def quietest_db(self, start: float, end: float) -> float:
        """The level of the quietest frame of [start, end) in dB: a recording's lead-in
        or last decay is near silence for a moment, however soon its sound starts."""
        first = max(0, int(start / self.frame_seconds))
        last = min(len(self.powers), max(first + 1, int(end / self.frame_seconds)))
        if first >= len(self.powers):
            return float(10.0 * np.log10(_FLOOR))
        return float(10.0 * np.log10(self.powers[first:last].sum(axis=1).min() + _FLOOR))

    def is_silent(self, start: float, end: float) -> bool:
        return end <= start or self.level_db(start, end) < SILENT_DBFS

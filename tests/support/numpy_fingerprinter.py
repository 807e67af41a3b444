from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.ndimage import maximum_filter

from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import LandmarkAnalysis, Side
from domain.exact.fingerprint import LandmarkFingerprint, LandmarkFraming
from tests.support.numpy_triplets import triplet_hashes

WINDOW, HOP = 1024, 128
_MIN_BIN = 10  # ~150 Hz: below it rumble and hum, not music
_FANOUT, _MAX_DT = 4, 63
_HALF_T, _HALF_F = 12, 15  # a peak is the maximum of 25 frames by 31 bins
_INDEX_TRIPLETS, _QUERY_TRIPLETS = 3, 5  # targets per anchor whose pairs make triplets


class NumpyLandmarkFingerprinter:
    """A pure-numpy twin of the C fingerprinter: the same idea in its plainest form.

    Spectral peaks (local maxima of the log spectrogram above their frame's median), each
    paired with the next few peaks up to 63 frames ahead; hash = f1 (9 bits), f2 (9 bits),
    dt (6 bits); plus the C code's triplet hashes (tests/support/numpy_triplets.py).
    Slow and without the C version's robustness tuning, but it honours the port's contract,
    so use-case tests can run without the compiled extension.
    """

    @property
    def framing(self) -> LandmarkFraming:
        after_frames = _HALF_T + _MAX_DT / 0.8 + 1  # targets for speeds down to 0.8
        return LandmarkFraming(
            frame_seconds=HOP / FINGERPRINT_RATE,
            before_seconds=_HALF_T * HOP / FINGERPRINT_RATE,
            after_seconds=(after_frames * HOP + WINDOW) / FINGERPRINT_RATE,
        )

    async def prints(
        self, audio: PcmAudio, analyses: Sequence[LandmarkAnalysis]
    ) -> list[LandmarkFingerprint]:
        peaks = _peaks(_checked(audio))
        return [_print(peaks, analysis, _frames(audio)) for analysis in analyses]


def _print(
    peaks: npt.NDArray[np.int64], analysis: LandmarkAnalysis, frames: int
) -> LandmarkFingerprint:
    """One peak set for every side (the twin has no density settings); triplets with the
    side's fanout, probed on the query side. Pair hashes are never made tolerant here."""
    hashes: list[npt.NDArray[np.uint64]] = []
    times: list[npt.NDArray[np.uint32]] = []
    if analysis.pairs is not None:
        pairs = _landmarks(peaks, analysis.speed, analysis.speed * analysis.pitch, frames)
        hashes.append(pairs.hashes)
        times.append(pairs.times)
    if analysis.triplets is not None:
        query = analysis.triplets is Side.QUERY
        fanout = _QUERY_TRIPLETS if query else _INDEX_TRIPLETS
        triplets, triplet_times = triplet_hashes(peaks, fanout, tolerant=query)
        hashes.append(triplets)
        times.append(triplet_times)
    return LandmarkFingerprint(
        np.concatenate(hashes),
        np.concatenate(times),
        HOP / FINGERPRINT_RATE,
        frames=int(round(frames * analysis.speed)),
        speed=analysis.speed,
        stretch=analysis.stretch,
    )


def _checked(audio: PcmAudio) -> npt.NDArray[np.float32]:
    if audio.sample_rate != FINGERPRINT_RATE:
        raise ValueError(f"landmarks need {FINGERPRINT_RATE} Hz audio, got {audio.sample_rate}")
    return audio.samples


def _frames(audio: PcmAudio) -> int:
    return max(0, (len(audio.samples) - WINDOW) // HOP + 1)


def _peaks(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.int64]:
    """(frame, bin) of each spectral peak, in time order."""
    count = max(0, (len(samples) - WINDOW) // HOP + 1)
    if count == 0:
        return np.zeros((0, 2), np.int64)
    starts = np.arange(count) * HOP
    frames = samples[starts[:, None] + np.arange(WINDOW)] * np.hanning(WINDOW)
    power = np.log(np.abs(np.fft.rfft(frames, axis=1))[:, :512] ** 2 + 1e-10)
    power[:, :_MIN_BIN] = -np.inf
    local = maximum_filter(
        power, size=(2 * _HALF_T + 1, 2 * _HALF_F + 1), mode="constant", cval=-np.inf
    )
    # Each frame's own median: a landmark depends only on the audio near it (see framing).
    floor = np.median(power[:, _MIN_BIN:], axis=1, keepdims=True) + 3.0
    peaks = np.argwhere((power == local) & (power > floor))
    return peaks[np.lexsort((peaks[:, 1], peaks[:, 0]))]


def _landmarks(
    peaks: npt.NDArray[np.int64], speed: float, frequency_ratio: float, frames: int
) -> LandmarkFingerprint:
    # A clip played `speed` times faster (its frequencies `frequency_ratio` times the
    # reference's): map its peaks back onto the reference's axes. The gap is scaled before
    # rounding, so a hash does not depend on where the clip was cut.
    frames_in = peaks[:, 0]
    times = np.round(frames_in * speed).astype(np.int64)
    bins = np.clip(np.round(peaks[:, 1] / frequency_ratio), 0, 511).astype(np.int64)
    hashes: list[int] = []
    starts: list[int] = []
    for i in range(len(times)):
        for j in range(i + 1, min(i + 1 + _FANOUT, len(times))):
            dt = int(round((frames_in[j] - frames_in[i]) * speed))
            if 0 < dt <= _MAX_DT:
                hashes.append((int(bins[i]) << 15) | (int(bins[j]) << 6) | dt)
                starts.append(int(times[i]))
    return LandmarkFingerprint(
        np.asarray(hashes, np.uint64),
        np.asarray(starts, np.uint32),
        HOP / FINGERPRINT_RATE,
        frames=int(round(frames * speed)),
        speed=speed,
    )

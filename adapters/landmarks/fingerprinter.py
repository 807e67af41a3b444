"""Fingerprinter port over the C landmark code: sparse for the index, dense for queries."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from adapters.landmarks.native import (
    GAP_BITS_MASK,
    HOP,
    WINDOW,
    PairParams,
    PeakParams,
    TripletParams,
    find_peaks,
    pair_hashes,
    triplet_hashes,
)
from adapters.landmarks.peak_memo import PeakFinder, PeakMemo
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.fingerprint import MAX_STRETCH, LandmarkFingerprint, LandmarkFraming


@dataclass(frozen=True, slots=True)
class Density:
    """How many landmarks to make: peak neighbourhood, pairs and triplets per anchor."""

    peaks: PeakParams
    pairs: PairParams
    triplets: TripletParams


# The index keeps only the most prominent peaks (small index, few random hits); a query keeps
# many more and pairs each anchor with more targets, so the peaks a degraded clip shares with
# the reference are still among its anchors and targets (asymmetric density).
# Triplets come from the sparse peaks on both sides: a stretched or pitch-shifted clip keeps
# its prominent peaks, and the query's wider fanout and probed cell edges absorb the rest.
REFERENCE = Density(PeakParams(half_t=20, half_f=20), PairParams(fanout=3), TripletParams(fanout=3))
QUERY = Density(
    PeakParams(half_t=15, half_f=15, min_prominence=1.5),
    PairParams(fanout=6),
    TripletParams(fanout=5, tolerant=True),
)


SLOWEST_SPEED = 0.8  # the framing holds for assumed speeds down to this


class CffiLandmarkFingerprinter:
    """Runs the C fingerprinter in a worker thread (cffi releases the GIL during C calls).

    The passes of one identification share their peaks (peak_memo.py): a clip's sparse and
    dense peaks are each found once, whichever prints are asked of it.
    """

    def __init__(
        self,
        reference: Density = REFERENCE,
        query: Density = QUERY,
        peak_finder: PeakFinder = find_peaks,
    ) -> None:
        self._reference = reference
        self._query = query
        self._peaks = PeakMemo(peak_finder)

    @property
    def framing(self) -> LandmarkFraming:
        # A peak is decided by half_t frames either side; a pair's target lies up to dt_max
        # frames after its anchor on the reference's axis (dt_max / speed in the audio); the
        # last frame needs a whole analysis window.
        half_t = max(d.peaks.half_t for d in (self._reference, self._query))
        dt_max = max(d.pairs.dt_max for d in (self._reference, self._query))
        after_frames = half_t + dt_max / SLOWEST_SPEED + 1
        return LandmarkFraming(
            frame_seconds=HOP / FINGERPRINT_RATE,
            before_seconds=half_t * HOP / FINGERPRINT_RATE,
            after_seconds=(after_frames * HOP + WINDOW) / FINGERPRINT_RATE,
        )

    async def reference(self, audio: PcmAudio) -> LandmarkFingerprint:
        samples = _checked(audio)
        return await asyncio.to_thread(reference_print, samples, self._reference, self._peaks)

    async def stretched(self, audio: PcmAudio) -> LandmarkFingerprint:
        samples = _checked(audio)
        return await asyncio.to_thread(
            stretched_print, samples, self._reference, self._query, self._peaks
        )

    async def query(
        self, audio: PcmAudio, speeds: Sequence[float] = (1.0,), tolerant: bool = False
    ) -> list[LandmarkFingerprint]:
        samples = _checked(audio)
        speeds = tuple(speeds)
        prints = await asyncio.to_thread(fingerprint, samples, self._query, speeds, self._peaks)
        return [with_gap_variants(p) for p in prints] if tolerant else prints


def _checked(audio: PcmAudio) -> npt.NDArray[np.float32]:
    if audio.sample_rate != FINGERPRINT_RATE:
        raise ValueError(f"landmarks need {FINGERPRINT_RATE} Hz audio, got {audio.sample_rate}")
    return audio.samples


def reference_print(
    samples: npt.NDArray[np.float32], density: Density, find: PeakFinder = find_peaks
) -> LandmarkFingerprint:
    """Pairs and triplets of the sparse peaks (blocking; call from a worker thread)."""
    peaks = find(samples, density.peaks)
    (pairs,) = _pair_prints(peaks, density, (1.0,), _frames(samples))
    hashes, times = triplet_hashes(peaks, density.triplets)
    return _joined(pairs, hashes, times, stretch=0.0)


def stretched_print(
    samples: npt.NDArray[np.float32],
    sparse: Density,
    dense: Density,
    find: PeakFinder = find_peaks,
) -> LandmarkFingerprint:
    """Dense pairs as played, plus probed triplets of the sparse peaks, aligned over slopes."""
    (pairs,) = _pair_prints(find(samples, dense.peaks), dense, (1.0,), _frames(samples))
    hashes, times = triplet_hashes(find(samples, sparse.peaks), dense.triplets)
    return _joined(pairs, hashes, times, stretch=MAX_STRETCH)


def _joined(
    pairs: LandmarkFingerprint,
    hashes: npt.NDArray[np.uint32],
    times: npt.NDArray[np.uint32],
    stretch: float,
) -> LandmarkFingerprint:
    return LandmarkFingerprint(
        hashes=np.concatenate([pairs.hashes, hashes.astype(np.uint64)]),
        times=np.concatenate([pairs.times, times]),
        frame_seconds=pairs.frame_seconds,
        frames=pairs.frames,
        stretch=stretch,
    )


def _frames(samples: npt.NDArray[np.float32]) -> int:
    return max(0, (len(samples) - WINDOW) // HOP + 1)


def fingerprint(
    samples: npt.NDArray[np.float32],
    density: Density,
    speeds: Sequence[float],
    find: PeakFinder = find_peaks,
) -> list[LandmarkFingerprint]:
    """Peaks once, then pair hashes per assumed speed (blocking; call from a worker thread)."""
    return _pair_prints(find(samples, density.peaks), density, speeds, _frames(samples))


def _pair_prints(
    peaks: npt.NDArray[np.void], density: Density, speeds: Sequence[float], frames: int
) -> list[LandmarkFingerprint]:
    prints: list[LandmarkFingerprint] = []
    for speed in speeds:
        hashes, times = pair_hashes(peaks, density.pairs, speed, 1.0 / speed)
        prints.append(
            LandmarkFingerprint(
                hashes=hashes.astype(np.uint64),
                times=times,
                frame_seconds=HOP / FINGERPRINT_RATE,
                frames=int(round(frames * speed)),
                speed=speed,
            )
        )
    return prints


_GAP_MASK = np.uint64(GAP_BITS_MASK)


def with_gap_variants(print_: LandmarkFingerprint) -> LandmarkFingerprint:
    """Add each hash with its time gap one frame shorter and one longer (same anchor time)."""
    gaps = (print_.hashes & _GAP_MASK).astype(np.int64)
    hashes, times = [print_.hashes], [print_.times]
    for step in (-1, 1):
        moved = gaps + step
        keep = (moved >= 1) & (moved <= GAP_BITS_MASK)
        hashes.append((print_.hashes[keep] & ~_GAP_MASK) | moved[keep].astype(np.uint64))
        times.append(print_.times[keep])
    return LandmarkFingerprint(
        hashes=np.concatenate(hashes),
        times=np.concatenate(times),
        frame_seconds=print_.frame_seconds,
        frames=print_.frames,
        speed=print_.speed,
    )

"""Fingerprinter port over the C landmark code: sparse for the index, dense for queries."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
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
from domain.exact.analysis import LandmarkAnalysis, Side
from domain.exact.fingerprint import LandmarkFingerprint, LandmarkFraming


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
# The noise pass (Side.NOISY): smaller neighbourhoods keep more of the reference's peaks that
# noise did not bury, and twice the targets per anchor let the survivors, no longer each
# other's nearest peaks, still pair up. Measured on held-back noisy clips (bench/RESULTS.md).
NOISY = Density(
    PeakParams(half_t=12, half_f=12, min_prominence=1.5),
    PairParams(fanout=12),
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
        noisy: Density = NOISY,
        peak_finder: PeakFinder = find_peaks,
    ) -> None:
        self._reference = reference
        self._query = query
        self._noisy = noisy
        self._peaks = PeakMemo(peak_finder)

    @property
    def framing(self) -> LandmarkFraming:
        # A peak is decided by half_t frames either side; a pair's target lies up to dt_max
        # frames after its anchor on the reference's axis (dt_max / speed in the audio); the
        # last frame needs a whole analysis window.
        densities = (self._reference, self._query, self._noisy)
        half_t = max(d.peaks.half_t for d in densities)
        dt_max = max(d.pairs.dt_max for d in densities)
        after_frames = half_t + dt_max / SLOWEST_SPEED + 1
        return LandmarkFraming(
            frame_seconds=HOP / FINGERPRINT_RATE,
            before_seconds=half_t * HOP / FINGERPRINT_RATE,
            after_seconds=(after_frames * HOP + WINDOW) / FINGERPRINT_RATE,
        )

    async def prints(
        self, audio: PcmAudio, analyses: Sequence[LandmarkAnalysis]
    ) -> list[LandmarkFingerprint]:
        samples = _checked(audio)
        wanted = tuple(analyses)
        return await asyncio.to_thread(self._prints, samples, wanted)

    def _prints(
        self, samples: npt.NDArray[np.float32], analyses: tuple[LandmarkAnalysis, ...]
    ) -> list[LandmarkFingerprint]:
        sides = {Side.INDEX: self._reference, Side.QUERY: self._query, Side.NOISY: self._noisy}
        return [make_print(samples, a, sides, self._peaks) for a in analyses]


def _checked(audio: PcmAudio) -> npt.NDArray[np.float32]:
    if audio.sample_rate != FINGERPRINT_RATE:
        raise ValueError(f"landmarks need {FINGERPRINT_RATE} Hz audio, got {audio.sample_rate}")
    return audio.samples


def make_print(
    samples: npt.NDArray[np.float32],
    analysis: LandmarkAnalysis,
    sides: Mapping[Side, Density],
    find: PeakFinder = find_peaks,
) -> LandmarkFingerprint:
    """The print one analysis asks for (blocking; call from a worker thread).

    Pairs come from the peaks of their side's density; triplets always from the index's
    sparse peaks (a stretched or pitch-shifted clip keeps its prominent peaks), with their
    side's fanout and probing.
    """
    frames = max(0, (len(samples) - WINDOW) // HOP + 1)
    hashes: list[npt.NDArray[np.uint64]] = []
    times: list[npt.NDArray[np.uint32]] = []
    if analysis.pairs is not None:
        density = sides[analysis.pairs]
        peaks = find(samples, density.peaks)
        pair_hashes_, pair_times = pair_hashes(
            peaks, density.pairs, analysis.speed, 1.0 / (analysis.speed * analysis.pitch)
        )
        hashes.append(pair_hashes_.astype(np.uint64))
        times.append(pair_times)
        if analysis.tolerant:
            hashes[-1], times[-1] = with_gap_variants(hashes[-1], times[-1])
    if analysis.triplets is not None:
        sparse = find(samples, sides[Side.INDEX].peaks)
        triplets, triplet_times = triplet_hashes(sparse, sides[analysis.triplets].triplets)
        hashes.append(triplets.astype(np.uint64))
        times.append(triplet_times)
    return LandmarkFingerprint(
        hashes=np.concatenate(hashes),
        times=np.concatenate(times),
        frame_seconds=HOP / FINGERPRINT_RATE,
        frames=int(round(frames * analysis.speed)),
        speed=analysis.speed,
        stretch=analysis.stretch,
    )


_GAP_MASK = np.uint64(GAP_BITS_MASK)


def with_gap_variants(
    hashes: npt.NDArray[np.uint64], times: npt.NDArray[np.uint32]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """Each pair hash again with its time gap one frame shorter and one longer (same anchor
    time): noise moves a peak by a frame more often than it removes it."""
    gaps = (hashes & _GAP_MASK).astype(np.int64)
    all_hashes, all_times = [hashes], [times]
    for step in (-1, 1):
        moved = gaps + step
        keep = (moved >= 1) & (moved <= GAP_BITS_MASK)
        all_hashes.append((hashes[keep] & ~_GAP_MASK) | moved[keep].astype(np.uint64))
        all_times.append(times[keep])
    return np.concatenate(all_hashes), np.concatenate(all_times)

"""Thin numpy wrappers over the compiled C functions; the only module that touches cffi.

Every C status other than success is raised as a typed exception (`checked`): a caller's
bad parameters as `InvalidParameters`, a failed allocation as `OutOfMemory`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from adapters.landmarks._landmarks import ffi, lib  # type: ignore[import-not-found]

WINDOW = int(lib.LM_WINDOW)
HOP = int(lib.LM_HOP)
BINS = int(lib.LM_BINS)
GAP_BITS_MASK = int(lib.LM_GAP_BITS_MASK)  # the low bits of a pair hash: its time gap
TRIPLET_FAMILY = int(lib.LM_TRIPLET_FAMILY)  # the top bit tags a triplet hash

PEAK_DTYPE = np.dtype([("t", np.int32), ("f", np.int32), ("strength", np.float32)])


class LandmarkError(Exception):
    """A C call of the fingerprinter refused its work; `status` is its LM_ERR_* code."""

    reason = "failed"

    def __init__(self, status: int, call: str) -> None:
        super().__init__(f"{call}: {self.reason} (status {status})")
        self.status = status


class InvalidParameters(LandmarkError, ValueError):
    """A parameter outside its range in landmarks.h: the caller's mistake, never the input's."""

    reason = "invalid parameters"


class OutOfMemory(LandmarkError, MemoryError):
    """The C code could not allocate its working buffers."""

    reason = "out of memory"


class BufferTooSmall(LandmarkError):
    """More hashes than the room given; the caller retries with more."""

    reason = "hash buffer too small"


ERRORS_BY_STATUS: dict[int, type[LandmarkError]] = {
    int(lib.LM_ERR_INVALID_PARAMS): InvalidParameters,
    int(lib.LM_ERR_NO_MEMORY): OutOfMemory,
    int(lib.LM_ERR_BUFFER_TOO_SMALL): BufferTooSmall,
}


def checked(status: int, call: str) -> int:
    """`status` when the call succeeded (LM_OK or a count); otherwise its typed exception."""
    if status >= 0:
        return status
    raise ERRORS_BY_STATUS.get(status, LandmarkError)(status, call)


@dataclass(frozen=True, slots=True)
class PeakParams:
    """Neighbourhood and floors of the peak picker (see lm_peak_params in landmarks.h)."""

    half_t: int
    half_f: int
    min_bin: int = 9  # ~140 Hz: below that is hum, rumble and room noise
    max_bin: int = BINS
    mean_half_f: int = 24
    min_prominence: float = 2.0
    floor_power: float = 1e-6


@dataclass(frozen=True, slots=True)
class PairParams:
    """Target zone of the pair hashes (see lm_pair_params in landmarks.h)."""

    fanout: int
    dt_min: int = 2
    dt_max: int = 63
    df_max: int = 96


@dataclass(frozen=True, slots=True)
class TripletParams(PairParams):
    """Target zone of the triplet hashes (see lm_triplet_params in landmarks.h): the same
    fields as a pair's, triplets being pairs of an anchor's targets, and whether to probe
    neighbouring cells (queries)."""

    tolerant: bool = False


def find_peaks(samples: npt.NDArray[np.float32], params: PeakParams) -> npt.NDArray[np.void]:
    """Peaks as a structured array (t, f, strength), sorted by time then frequency."""
    # No copy to clean NaN or inf: the C code gives them no peaks (test_native, sanitizer run).
    x = np.ascontiguousarray(samples, np.float32)
    c_params = ffi.new(
        "lm_peak_params *",
        {
            "half_t": params.half_t,
            "half_f": params.half_f,
            "min_bin": params.min_bin,
            "max_bin": params.max_bin,
            "mean_half_f": params.mean_half_f,
            "min_prominence": params.min_prominence,
            "floor_power": params.floor_power,
        },
    )
    result = ffi.new("lm_peak_list *")
    checked(lib.lm_find_peaks(_pointer("float[]", x), len(x), c_params, result), "lm_find_peaks")
    try:
        count = int(result.count)
        if count == 0:
            return np.zeros(0, PEAK_DTYPE)
        raw = ffi.buffer(result.peaks, count * PEAK_DTYPE.itemsize)
        return np.frombuffer(raw, PEAK_DTYPE).copy()
    finally:
        lib.lm_free_peaks(result)


def pair_hashes(
    peaks: npt.NDArray[np.void],
    params: PairParams,
    time_scale: float = 1.0,
    freq_scale: float = 1.0,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Hashes and anchor times of peak pairs, after mapping peaks through the two scales."""
    peaks = np.ascontiguousarray(peaks, PEAK_DTYPE)
    exact = time_scale == 1.0 and freq_scale == 1.0
    # The bound of landmarks.h; no peaks still go to C, which checks the parameters.
    cap = max(0, len(peaks) * params.fanout * (1 if exact else 8))
    hashes = np.empty(cap, np.uint32)
    times = np.empty(cap, np.uint32)
    c_params = ffi.new(
        "lm_pair_params *",
        {
            "fanout": params.fanout,
            "dt_min": params.dt_min,
            "dt_max": params.dt_max,
            "df_max": params.df_max,
        },
    )
    status = lib.lm_pair_hashes(
        _pointer("lm_peak[]", peaks),
        len(peaks),
        c_params,
        time_scale,
        freq_scale,
        _pointer("uint32_t[]", hashes),
        _pointer("uint32_t[]", times),
        cap,
    )
    written = checked(status, "lm_pair_hashes")
    return hashes[:written].copy(), times[:written].copy()


def triplet_hashes(
    peaks: npt.NDArray[np.void], params: TripletParams
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Hashes and anchor times of peak triplets (several cells per triplet when tolerant)."""
    peaks = np.ascontiguousarray(peaks, PEAK_DTYPE)
    per_anchor = params.fanout * (params.fanout - 1) // 2
    # Exact without `tolerant` (landmarks.h); a first guess with it, grown when too small.
    cap = max(0, len(peaks) * per_anchor * (8 if params.tolerant else 1))
    c_params = ffi.new(
        "lm_triplet_params *",
        {
            "fanout": params.fanout,
            "dt_min": params.dt_min,
            "dt_max": params.dt_max,
            "df_max": params.df_max,
            "tolerant": int(params.tolerant),
        },
    )
    while True:
        hashes, times = np.empty(cap, np.uint32), np.empty(cap, np.uint32)
        status = lib.lm_triplet_hashes(
            _pointer("lm_peak[]", peaks),
            len(peaks),
            c_params,
            _pointer("uint32_t[]", hashes),
            _pointer("uint32_t[]", times),
            cap,
        )
        try:
            written = checked(status, "lm_triplet_hashes")
        except BufferTooSmall:
            cap = max(1, cap * 4)
            continue
        return hashes[:written].copy(), times[:written].copy()


def _pointer(ctype: str, array: npt.NDArray[Any]) -> Any:
    """The array's memory as a C pointer; NULL when empty, as the C code expects."""
    return ffi.from_buffer(ctype, array) if len(array) else ffi.NULL


def power_spectrum(frame: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Power spectrum of one Hann-windowed WINDOW-sample frame (checks the C FFT)."""
    if frame.shape != (WINDOW,):
        raise ValueError(f"a frame has exactly {WINDOW} samples")
    x = np.ascontiguousarray(frame, np.float32)
    out = np.empty(BINS, np.float32)
    lib.lm_power_spectrum(ffi.from_buffer("float[]", x), ffi.from_buffer("float[]", out))
    return out

"""Peaks of the clip being identified, kept while the clip lives.

Peak picking is what a print costs (the STFT and the neighbourhood tests; hashing the peaks
is a hundredth of it), and an identification asks for up to three prints of one clip from
the same two peak sets: sparse for the indexed pass and the triplets, dense for the other
pairs. Keyed by the samples array itself (identity, not content), an entry goes when the
array does, so nothing outlives its request and no equal-looking audio is confused.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from adapters.landmarks.native import PeakParams

Peaks = npt.NDArray[np.void]
PeakFinder = Callable[[npt.NDArray[np.float32], PeakParams], Peaks]
MAX_CLIPS = 64  # clips in flight at once, far above the CPU lanes' concurrency


class PeakMemo:
    """find(samples, params) once per (array, params); later calls return the same peaks."""

    def __init__(self, find: PeakFinder) -> None:
        self._find = find
        self._lock = threading.RLock()  # a collected clip's callback may run while held
        self._clips: dict[int, tuple[weakref.ref[np.ndarray], dict[PeakParams, Peaks]]] = {}

    def __call__(self, samples: npt.NDArray[np.float32], params: PeakParams) -> Peaks:
        key = id(samples)
        with self._lock:
            held = self._clips.get(key)
            if held is not None and held[0]() is samples and params in held[1]:
                return held[1][params]
        peaks = self._find(samples, params)  # outside the lock: concurrent clips run at once
        peaks.setflags(write=False)  # shared between prints: nobody may change them
        with self._lock:
            held = self._clips.get(key)
            if held is None or held[0]() is not samples:
                if len(self._clips) >= MAX_CLIPS:
                    self._clips.pop(next(iter(self._clips)))
                held = (weakref.ref(samples, lambda _, key=key: self._forget(key)), {})
                self._clips[key] = held
            held[1][params] = peaks
        return peaks

    def __len__(self) -> int:
        """Clips whose peaks are held."""
        with self._lock:
            return len(self._clips)

    def _forget(self, key: int) -> None:
        with self._lock:
            held = self._clips.get(key)
            if held is not None and held[0]() is None:
                del self._clips[key]

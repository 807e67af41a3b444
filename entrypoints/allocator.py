"""Large buffers go back to the operating system when they are freed.

glibc serves an allocation above its mmap threshold with its own mapping, returned to the
system on free, but it raises that threshold to the size of each such block freed (up to
32 MB on 64-bit): after the first decoded track, the next tracks' PCM buffers (tens of MB)
come from the heap arenas of the worker threads, where a small block allocated after them
keeps their pages, so the service's memory grew with every new long track ingested
(issue 13's soak: +32 MB of heap per new track, flat without new tracks). A fixed
threshold turns that adjustment off: any buffer past 1 MB is its own mapping, freed at once.

Fixing it also fixes the trim threshold, which glibc would otherwise keep at twice the mmap
threshold, at its 128 kB default: every free that left that much at a heap's top gave the
pages back and the next allocation faulted them in again. A clip's identification makes
many such sub-megabyte buffers (decoding, matching): that churn cost about 15 % more CPU
for the 300 unseen queries (bench/RESULTS.md, issue 23). So the heaps keep up to
TRIM_BYTES free at their top; anything larger still goes back, and large buffers never
come from the heap at all.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers (malloc.h)
M_MMAP_THRESHOLD = -3
THRESHOLD_BYTES = 1 << 20  # above what a request's small objects need, below any audio
TRIM_BYTES = 4 << 20  # 2 MB was still most of the churn; 4 MB about as fast as 8 MB


def return_large_buffers() -> bool:
    """Fix glibc's mmap and trim thresholds; False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_BYTES)
    )

"""Large buffers go back to the operating system when they are freed.

glibc serves an allocation above its mmap threshold with its own mapping, returned to the
system on free, but it raises that threshold to the size of each such block freed (up to
32 MB on 64-bit): after the first decoded track, the next tracks' PCM buffers (tens of MB)
come from the heap arenas of the worker threads, where a small block allocated after them
keeps their pages, so the service's memory grew with every new long track ingested
(issue 13's soak: +32 MB of heap per new track, flat without new tracks). A fixed
threshold turns that adjustment off: any buffer past 1 MB is its own mapping, freed at once.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)
THRESHOLD_BYTES = 1 << 20  # above what a request's small objects need, below any audio


def return_large_buffers() -> bool:
    """Fix glibc's mmap threshold; False where the C library is not glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES))

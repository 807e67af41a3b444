"""serve and worker fix glibc's mmap threshold, so freed PCM buffers leave the heap
(bench/memory_ingest.py measures the effect: issue 13's soak grew 32 MB per new track)."""

from __future__ import annotations

import platform

import pytest

from entrypoints.allocator import return_large_buffers
from entrypoints.cli import serve, worker


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a glibc setting")
def test_the_threshold_is_fixed_on_glibc() -> None:
    assert return_large_buffers() is True


def test_serve_and_worker_fix_it_first() -> None:
    for command in (serve.run, worker.run):
        assert "return_large_buffers" in command.__code__.co_names

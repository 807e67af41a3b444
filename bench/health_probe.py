"""The load bench's health probe, in a process of its own.

Asked from the load generator's event loop, a probe's time includes that loop's own delays
(64 clients uploading in Python hold it for tens of milliseconds): what it measured was
partly the client. Its own interpreter, one keep-alive connection and blocking calls make
the figure the server's answer plus loopback, as a load balancer would see it.
"""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Event

import httpx

PATHS = ("/health", "/health/ready")
EVERY_SECONDS = 0.1


def _probe(url: str, stop: Event, results: Connection) -> None:
    times: dict[str, list[float]] = {path: [] for path in PATHS}
    errors: dict[str, int] = {}
    began = time.perf_counter()
    slowest: list[tuple[float, float, str]] = []  # (ms, seconds into the cell, path)
    with httpx.Client(base_url=url, timeout=30) as client:
        while not stop.is_set():
            for path in PATHS:
                sent = time.perf_counter()
                try:
                    client.get(path)
                except httpx.HTTPError:
                    errors[f"health {path}"] = errors.get(f"health {path}", 0) + 1
                times[path].append((time.perf_counter() - sent) * 1000)
                slowest = sorted([*slowest, (times[path][-1], sent - began, path)])[-3:]
            stop.wait(EVERY_SECONDS)
    results.send((times, errors, slowest[::-1]))
    results.close()


class HealthProbe:
    """Asks /health and /health/ready every 100 ms from a spawned process until stopped."""

    def __init__(self, url: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_probe, args=(url, self._stop, send), daemon=True)

    def start(self) -> None:
        self._process.start()

    def stop(self) -> tuple[dict[str, list[float]], dict[str, int]]:
        """The probe's times (ms) by path and its transport errors; the three slowest
        probes are printed with when they were sent (to line them up with the server's log)."""
        self._stop.set()
        times, errors, slowest = self._receive.recv()
        self._process.join(timeout=30)
        said = [f"{ms:.0f} ms at {at:.1f} s ({path})" for ms, at, path in slowest]
        print("slowest probes:", ", ".join(said), flush=True)
        return times, errors

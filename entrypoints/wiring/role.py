"""What a process does with the shared stores; it decides how they are opened."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProcessRole:
    """`runs_projections`: this process may apply events (the fingerprint index is opened
    writable; the embedded vector index, which one process alone may hold, is held here).
    `loads_model`: CLAP is loaded (commands that never embed skip seconds of start-up).
    `poll_seconds`: how often the projectors look for events a notification missed.
    `serves_requests`: CPU work is admitted under the CPU_* limits and refused past them;
    a command runs its own batch (bounded by --jobs) without refusals."""

    runs_projections: bool = False
    loads_model: bool = False
    poll_seconds: float = 0.5
    serves_requests: bool = False

"""Timeline windows for the scale check: a mix (bench/timeline_mix.py's `mix.mp3` with its
`truth.json`) cut into the timeline's 10 s windows, each fingerprinted for the first pass and
for the stretched pass, labelled with the library track that fills most of the window (the
nil UUID where a negative or silence does: no answer can count as right there).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import INDEXED, STRETCHABLE
from domain.exact.fingerprint import LandmarkFingerprint

WINDOW_SECONDS = 10.0  # TimelinePolicy's window and the file pacing's hop

Clips = list[tuple[uuid.UUID, LandmarkFingerprint]]


async def mix_windows(mix: Path, printer, ids: dict[uuid.UUID, str], decode) -> dict[str, Clips]:
    """Both passes' prints of every whole window of `mix`/mix.mp3, keyed by a label."""
    by_name = {name: track_id for track_id, name in ids.items()}
    excerpts = json.loads((mix / "truth.json").read_text())["excerpts"]
    samples, _ = decode(mix / "mix.mp3")
    step = int(WINDOW_SECONDS * FINGERPRINT_RATE)
    first: Clips = []
    stretched: Clips = []
    for begin in range(0, len(samples) - step + 1, step):
        start = begin / FINGERPRINT_RATE
        truth = _dominant(excerpts, start, start + WINDOW_SECONDS)
        track_id = by_name.get(truth or "", uuid.UUID(int=0))
        window = PcmAudio(samples[begin : begin + step], FINGERPRINT_RATE)
        sparse, dense = await printer.prints(window, [INDEXED, STRETCHABLE])
        first.append((track_id, sparse))
        stretched.append((track_id, dense))
    labelled = sum(track_id.int != 0 for track_id, _ in first)
    about = f"10 s windows of {mix.name} ({labelled} held mostly by a library track)"
    return {f"{about}, first pass": first, f"{about}, stretched pass": stretched}


def _dominant(excerpts: list[dict], start: float, end: float) -> str | None:
    """The name of the library track heard longest in [start, end), if any is."""
    best, name = 0.0, None
    for excerpt in excerpts:
        heard = min(end, excerpt["end_seconds"]) - max(start, excerpt["start_seconds"])
        if heard > best:
            best, name = heard, excerpt["name"] if excerpt["kind"] == "track" else None
    return name

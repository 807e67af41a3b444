"""Scoring a timeline against a mix's truth (see timeline_mix.py).

A library excerpt is *found* when segments of its track (or of a version of it the corpus
lists as a near-duplicate) cover at least half of it; its boundary errors are those of the
union of those segments, against the excerpt's edges (`edges="excerpt"`: where its fade-in
starts and its fade-out ends) or against the middles of its fades (`edges="midpoints"`:
where it and its neighbour are equally loud). A negative excerpt is *labelled* when a
known segment lies mostly inside its part that no neighbour fades over. A *wrong* segment
is a known segment whose track plays nowhere under it. A found excerpt is *covered* when
segments of its own track cover at least 90 % of its part that no neighbour fades over.
Its *pitch* is that of its first segment of its own track: the truth is its semitones plus,
when it was resampled (off-speed), 12 log2(speed); a tempo change with the key kept has 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Score:
    known: int = 0
    found: int = 0
    covered: int = 0
    coverage: list[float] = field(default_factory=list)
    start_errors: list[float] = field(default_factory=list)
    end_errors: list[float] = field(default_factory=list)
    offset_errors: list[float] = field(default_factory=list)
    pitch_errors: list[float] = field(default_factory=list)  # semitones, the measured ones
    pitch_unmeasured: int = 0
    fragments: list[int] = field(default_factory=list)
    negatives: int = 0
    negatives_labelled: int = 0
    wrong_segments: int = 0
    missed: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def score(
    truth: list[dict[str, Any]],
    segments: list[dict[str, Any]],
    versions: dict[str, set[str]],
    edges: str = "excerpt",
) -> Score:
    """`segments`: dicts with start_seconds, end_seconds, track (corpus name or None),
    offset_seconds and speed."""
    result = Score()
    known = [s for s in segments if s["track"] is not None]
    for excerpt in truth:
        if excerpt["kind"] == "negative":
            result.negatives += 1
            inner0 = excerpt["start_seconds"] + excerpt["fade_in"]
            inner1 = excerpt["end_seconds"] - excerpt["fade_out"]
            inside = [
                s
                for s in known
                if _overlap(s["start_seconds"], s["end_seconds"], inner0, inner1)
                > 0.5 * (s["end_seconds"] - s["start_seconds"])
            ]
            result.negatives_labelled += bool(inside)
            continue
        result.known += 1
        names = versions.get(excerpt["name"], {excerpt["name"]})
        mine = [
            s
            for s in known
            if s["track"] in names
            and _overlap(
                s["start_seconds"],
                s["end_seconds"],
                excerpt["start_seconds"],
                excerpt["end_seconds"],
            )
            > 0
        ]
        covered = _covered(mine, excerpt["start_seconds"], excerpt["end_seconds"])
        inner0 = excerpt["start_seconds"] + excerpt["fade_in"]
        inner1 = excerpt["end_seconds"] - excerpt["fade_out"]
        inner = _covered(mine, inner0, inner1) / max(1e-9, inner1 - inner0)
        result.coverage.append(inner)
        if covered < 0.5 * (excerpt["end_seconds"] - excerpt["start_seconds"]):
            result.missed.append(f"{excerpt['name']} at {excerpt['start_seconds']:.0f} s")
            continue
        result.found += 1
        result.covered += inner >= 0.9
        result.fragments.append(len(mine))
        start, end = excerpt["start_seconds"], excerpt["end_seconds"]
        if edges == "midpoints":
            start, end = start + excerpt["fade_in"] / 2, end - excerpt["fade_out"] / 2
        result.start_errors.append(abs(min(s["start_seconds"] for s in mine) - start))
        result.end_errors.append(abs(max(s["end_seconds"] for s in mine) - end))
        exact = [s for s in mine if s["track"] == excerpt["name"]]
        if exact:
            first = min(exact, key=lambda s: s["start_seconds"])
            position = first["offset_seconds"] + first["speed"] * (
                excerpt["start_seconds"] - first["start_seconds"]
            )
            result.offset_errors.append(abs(position - excerpt["offset_seconds"]))
            if first.get("pitch_semitones") is None:
                result.pitch_unmeasured += 1
            else:
                result.pitch_errors.append(abs(first["pitch_semitones"] - true_pitch(excerpt)))
    for segment in known:
        span = (segment["start_seconds"], segment["end_seconds"])
        under = [
            e
            for e in truth
            if e["kind"] == "track"
            and segment["track"] in versions.get(e["name"], {e["name"]})
            and _overlap(*span, e["start_seconds"], e["end_seconds"]) > 0
        ]
        result.wrong_segments += not under
    return result


def true_pitch(excerpt: dict[str, Any]) -> float:
    """Semitones from the source's pitch: resampling moves pitch with speed, key lock not."""
    resampled = excerpt.get("treatment", "offspeed") == "offspeed"
    shift = 12.0 * math.log2(excerpt["speed"]) if resampled else 0.0
    return float(excerpt.get("semitones", 0.0)) + shift


def _covered(segments: Iterable[dict[str, Any]], start: float, end: float) -> float:
    """Seconds of [start, end) under the union of the segments."""
    spans = sorted((max(start, s["start_seconds"]), min(end, s["end_seconds"])) for s in segments)
    total, reach = 0.0, start
    for lo, hi in spans:
        lo = max(lo, reach)
        if hi > lo:
            total += hi - lo
            reach = hi
    return total


def quantiles(values: list[float]) -> tuple[float, float]:
    """Median and 95th percentile (nan when empty)."""
    if not values:
        return float("nan"), float("nan")
    return float(np.median(values)), float(np.percentile(values, 95))


def versions_of(near_duplicates: list[list[str]]) -> dict[str, set[str]]:
    """Each track's set of versions (itself included) from near_duplicates.json."""
    versions: dict[str, set[str]] = {}
    for group in near_duplicates:
        for name in group:
            versions[name] = set(group)
    return versions

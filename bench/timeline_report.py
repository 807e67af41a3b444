"""The timeline benchmark's table (markdown), from its runs."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bench.timeline_score import Score, quantiles


@dataclass
class Run:
    seed: int
    seconds: float
    score: Score  # boundaries against the excerpts' edges (fades included)
    midpoint_score: Score  # boundaries against the middles of the fades
    cpu: float
    wall: float
    command_cpu: float
    command_wall: float
    delays: list[float]
    load: tuple[float, float, float]


def _pair(values: list[float], scale: float = 1.0, digits: int = 2) -> str:
    median, p95 = quantiles(values)
    return f"{median * scale:.{digits}f} / {p95 * scale:.{digits}f}"


def _row(name: str, runs: list[Run]) -> str:
    total = Score()
    middle = Score()
    for run in runs:
        total.add(run.score)
        middle.add(run.midpoint_score)
    seconds = sum(r.seconds for r in runs)
    delays = [d for r in runs for d in r.delays]
    delay = (
        f"{np.median(delays):.1f} / {np.percentile(delays, 95):.1f} / {max(delays):.1f}"
        if delays
        else "-"
    )
    load = max(r.load[0] for r in runs)
    return (
        f"| {name} | {seconds / 60:.1f} | {total.found}/{total.known} "
        f"({100 * total.found / max(1, total.known):.1f} %) "
        f"| {total.covered}/{total.found} ({100 * total.covered / max(1, total.found):.1f} %), "
        f"median {100 * float(np.median(total.coverage)) if total.coverage else 0:.0f} % "
        f"| {_pair(middle.start_errors)} | {_pair(middle.end_errors)} "
        f"| {_pair(total.start_errors)} | {_pair(total.end_errors)} "
        f"| {_pair(total.offset_errors, 1000, 0)} "
        f"| {_pair(total.pitch_errors)} ({len(total.pitch_errors)} of "
        f"{len(total.pitch_errors) + total.pitch_unmeasured}) "
        f"| {total.negatives_labelled}/{total.negatives} | {total.wrong_segments} "
        f"| {seconds / sum(r.cpu for r in runs):.0f}x "
        f"| {seconds / sum(r.command_cpu for r in runs):.0f}x "
        f"({sum(r.command_wall for r in runs):.0f} s wall) | {delay} | {load:.1f} |"
    )


def render(runs: list[Run], corpus: Path, pace: float, recipe: str = "classic") -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = (
        "| mix | minutes | library excerpts found | found ones covered >= 90 % by their track "
        "(fades excluded), median coverage | start err, fade middles: median / p95 (s) "
        "| end err, fade middles (s) | start err, excerpt edges (s) | end err, excerpt edges "
        "(s) | offset err median / p95 (ms) | pitch err median / p95 (semitones; measured of "
        "found) | unknown excerpts labelled | wrong segments "
        "| analysis, x real time per core | the command, x real time per core "
        f"| monitor: first line after excerpt start, median / p95 / max (s, pace {pace:g}x) "
        "| load avg |"
    )
    rows = [_row(f"mix {r.seed}", [r]) for r in runs]
    if len(runs) > 1:
        rows.append(_row("all", runs))
    missed = [m for r in runs for m in r.score.missed]
    return "\n".join(
        [
            "## Timeline" if recipe == "classic" else f"## Timeline, {recipe} mixes, {corpus.name}",
            "",
            f"`.venv/bin/python -m bench.timeline --mixes {len(runs)} --recipe {recipe}`, {now}, "
            f"{platform.machine()} {len(os.sched_getaffinity(0))}-core VM, corpus "
            f"{corpus}.",
            "",
            head,
            "|" + "---|" * (head.count("|") - 1),
            *rows,
            "",
            f"Missed: {', '.join(missed) if missed else 'none'}.",
        ]
    )

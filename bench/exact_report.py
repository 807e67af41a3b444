"""Scoring and the printed tables of the exact-lane benchmark."""

from __future__ import annotations

import datetime
import platform
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class Outcome:
    row: dict[str, Any]
    answer: str | None
    offset: float | None
    confidence: float | None
    latency: float
    match_only: float = 0.0
    speed: float | None = None  # the fitted time-scale factor of the top answer
    repeat: bool = False  # the right track where the clip's passage recurs (a loop)


def verdict(outcome: Outcome, near: list[list[str]]) -> str:
    """'right', 'wrong' (another track or offset), 'none'; negatives: 'fp' or 'ok'."""
    row = outcome.row
    if row["true_track"] is None:
        return "fp" if outcome.answer else "ok"
    if outcome.answer is None:
        return "none"
    scaled = row["degradation"].startswith(("speed", "tempo"))
    tolerance = 1.0 if scaled else 0.3
    if outcome.answer == row["true_track"]:
        assert outcome.offset is not None
        return "right" if abs(outcome.offset - row["true_offset_s"]) <= tolerance else "wrong"
    equivalents = set(row.get("equivalent_tracks") or [])
    for group in near:
        if row["true_track"] in group:
            equivalents.update(group)
    return "right" if outcome.answer in equivalents else "wrong"


def render_report(outcomes: dict[str, list[Outcome]], stats, near, scale, corpus, quick) -> str:
    """One recall table per query set (regular, hard), then store, size, latency, scale."""
    lines = [
        "## Exact lane",
        "",
        f"{datetime.date.today()}, {platform.machine()} 2-core VM, corpus {corpus}"
        + (" (--quick: every third query)" if quick else ""),
    ]
    for name, found in outcomes.items():
        lines += ["", f"### {name} queries", "", *_table(found, near)]
    lines += ["", *_store(stats)]
    if scale:
        lines += ["", *scale]
    return "\n".join(lines) + "\n"


def _table(outcomes: list[Outcome], near) -> list[str]:
    lines = [
        "| degradation | len | n | recall@1 | wrong (of them a repeat) | none "
        "| offset err median / p95 (ms) | speed err median (%) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    positives = [o for o in outcomes if o.row["true_track"] is not None]
    degradations = list(dict.fromkeys(o.row["degradation"] for o in positives))
    lengths = sorted({o.row["clip_len_nominal_s"] for o in positives})
    for degradation in sorted(degradations, key=_order):
        for length in lengths:
            cell = [
                o
                for o in positives
                if o.row["degradation"] == degradation and o.row["clip_len_nominal_s"] == length
            ]
            if cell:
                lines.append(_row(degradation, length, cell, near))
    lines.append(_row("all positives", 0, positives, near))
    negatives = [o for o in outcomes if o.row["true_track"] is None]
    false_positives = sum(verdict(o, near) == "fp" for o in negatives)
    latencies = np.array([o.latency for o in outcomes]) * 1000
    matching = np.array([o.match_only for o in outcomes]) * 1000
    return [
        *lines,
        "",
        f"Negatives: {false_positives}/{len(negatives)} answered "
        f"({100 * false_positives / max(1, len(negatives)):.1f} % false positives).",
        "",
        f"Query latency (fingerprint + match, every pass needed): "
        f"p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms, "
        f"max {latencies.max():.1f} ms; match only (first pass): "
        f"p50 {np.percentile(matching, 50):.1f} ms, p95 {np.percentile(matching, 95):.1f} ms.",
    ]


def _order(degradation: str) -> tuple[int, str]:
    """Regular-set order first (as the targets list them), then the rest by name."""
    known = ["clean", "mp3_64k", "gain_-12db", "phone", "noise_snr10", "noise_snr5"]
    known += ["noise_snr0", "reverb", "speed_+2pct", "speed_-2pct"]
    return (known.index(degradation) if degradation in known else len(known), degradation)


def _store(stats) -> list[str]:
    return [
        f"Store: {stats['tracks']} tracks, {stats['audio_hours']:.2f} h, "
        f"{stats['store_x_realtime']:.0f}x real time incl. decode "
        f"(ffmpeg decode alone {stats['decode_x_realtime']:.0f}x, "
        f"fingerprint alone {stats['fingerprint_x_realtime']:.0f}x, "
        f"LMDB put alone {stats['put_x_realtime']:.0f}x), "
        f"{stats['fingerprints_per_second']:.1f} tracks/s, "
        f"{stats['hashes_per_second_audio']:.1f} hashes per second of audio"
        + (
            f", LMDB file {stats['index_mb_per_hour']:.2f} MB/h "
            f"(pages in use {stats['live_mb_per_hour']:.2f} MB/h)"
            if "index_mb_per_hour" in stats
            else ""
        )
        + ".",
    ]


def _row(degradation: str, length: float, cell: list[Outcome], near) -> str:
    verdicts = [verdict(o, near) for o in cell]
    right = [o for o, v in zip(cell, verdicts, strict=True) if v == "right"]
    errors = [
        abs(o.offset - o.row["true_offset_s"]) * 1000
        for o in right
        if o.offset is not None and o.answer == o.row["true_track"]
    ]
    offset = f"{np.median(errors):.0f} / {np.percentile(errors, 95):.0f}" if errors else "-"
    speeds = [
        abs(o.speed - (o.row.get("speed_factor") or 1.0)) * 100
        for o in right
        if o.speed is not None and o.answer == o.row["true_track"]
    ]
    speed = f"{np.median(speeds):.1f}" if speeds else "-"
    n = len(cell)
    repeats = sum(v == "wrong" and o.repeat for o, v in zip(cell, verdicts, strict=True))
    wrong = f"{verdicts.count('wrong')}" + (f" ({repeats})" if repeats else "")
    return (
        f"| {degradation} | {f'{length:.0f} s' if length else 'all'} | {n} "
        f"| {100 * len(right) / n:.1f} % | {wrong} | {verdicts.count('none')} "
        f"| {offset} | {speed} |"
    )

"""Scoring and the printed tables of the exact-lane benchmark."""

from __future__ import annotations

import datetime
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

DEGRADATIONS = [
    "clean", "mp3_64k", "gain_-12db", "phone", "noise_snr10", "noise_snr5", "noise_snr0",
    "reverb", "speed_+2pct", "speed_-2pct",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Outcome:
    row: dict[str, Any]
    answer: str | None
    offset: float | None
    confidence: float | None
    latency: float
    match_only: float = 0.0


def verdict(outcome: Outcome, near: list[list[str]]) -> str:
    """'right', 'wrong' (another track or offset), 'none'; negatives: 'fp' or 'ok'."""
    row = outcome.row
    if row["true_track"] is None:
        return "fp" if outcome.answer else "ok"
    if outcome.answer is None:
        return "none"
    tolerance = 1.0 if row["degradation"].startswith("speed") else 0.3
    if outcome.answer == row["true_track"]:
        assert outcome.offset is not None
        return "right" if abs(outcome.offset - row["true_offset_s"]) <= tolerance else "wrong"
    equivalents = set(row.get("equivalent_tracks") or [])
    for group in near:
        if row["true_track"] in group:
            equivalents.update(group)
    return "right" if outcome.answer in equivalents else "wrong"


def render_report(outcomes, stats, near, scale, corpus: Path, quick: bool) -> str:
    lines = [
        "## Exact lane",
        "",
        f"{datetime.date.today()}, {platform.machine()} 2-core VM, corpus {corpus}"
        + (" (--quick: every third query)" if quick else ""),
        "",
        "| degradation | len | n | recall@1 | wrong | none | offset err median / p95 (ms) |",
        "|---|---|---|---|---|---|---|",
    ]
    positives = [o for o in outcomes if o.row["true_track"] is not None]
    for degradation in DEGRADATIONS:
        for length in (5.0, 10.0):
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
    ten = np.array([o.match_only for o in outcomes if o.row["clip_len_nominal_s"] == 10.0]) * 1000
    lines += [
        "",
        f"Negatives: {false_positives}/{len(negatives)} answered "
        f"({100 * false_positives / max(1, len(negatives)):.1f} % false positives).",
        "",
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
        "",
        f"Query latency (fingerprint + match, all speeds tried when needed): "
        f"p50 {np.percentile(latencies, 50):.1f} ms, p95 {np.percentile(latencies, 95):.1f} ms; "
        f"match only (first pass, {stats['audio_hours'] * 60:.0f} min indexed): "
        f"p50 {np.percentile(matching, 50):.1f} ms, p95 {np.percentile(matching, 95):.1f} ms "
        f"(10 s clips: p50 {np.percentile(ten, 50):.1f} ms, p95 {np.percentile(ten, 95):.1f} ms).",
    ]
    if scale:
        lines += ["", *scale]
    return "\n".join(lines) + "\n"


def _row(degradation: str, length: float, cell: list[Outcome], near) -> str:
    verdicts = [verdict(o, near) for o in cell]
    right = [o for o, v in zip(cell, verdicts, strict=True) if v == "right"]
    errors = [
        abs(o.offset - o.row["true_offset_s"]) * 1000
        for o in right
        if o.offset is not None and o.answer == o.row["true_track"]
    ]
    offset = f"{np.median(errors):.0f} / {np.percentile(errors, 95):.0f}" if errors else "-"
    n = len(cell)
    return (
        f"| {degradation} | {f'{length:.0f} s' if length else 'all'} | {n} "
        f"| {100 * len(right) / n:.1f} % | {verdicts.count('wrong')} | {verdicts.count('none')} "
        f"| {offset} |"
    )

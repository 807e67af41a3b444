"""Exact-lane benchmark over the dev corpus (see /work/shared/corpus/README.md).

    .venv/bin/python bench/exact.py [--corpus DIR] [--queries regular|hard|both] [--quick]
                                    [--index lmdb|memory] [--scale-hours 1000]
                                    [--synthetic-model joint --synthetic-from OTHER_CORPUS]
                                    [--timeline-mix /var/tmp/tl-audio-ident-corpus/dj-1]
                                    [--write bench/RESULTS.md]

Indexes every reference track (decode + fingerprint + put, timed on one core), runs each
manifest query through IdentifyExact, and prints recall by degradation x clip length, store
speed, index size and query latency; then a scale check on an LMDB filled with synthetic
entries. Decoded PCM is cached under bench/out/ so that reruns skip ffmpeg (the recorded
decode time still counts in the store speed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import open_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.memory.fingerprint_index import InMemoryFingerprintIndex
from application.identify.exact_lookup import match_exact
from application.identify.identify_exact import IdentifyExact
from bench.exact_report import Outcome, render_report
from bench.exact_scale import MODELS, scale_check
from bench.exact_scale_windows import mix_windows
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.analysis import INDEXED, STRETCHABLE
from domain.exact.fingerprint import LandmarkFingerprint
from domain.ports.fingerprint_index import FingerprintIndex

CACHE = Path(__file__).resolve().parent / "out" / "pcm"


def decode(path: Path) -> tuple[np.ndarray, float]:
    """16 kHz mono float32 via ffmpeg, cached; returns samples and the decode seconds."""
    import subprocess

    key = CACHE / (path.as_posix().strip("/").replace("/", "__") + ".npy")
    meta = key.with_suffix(".json")
    if key.exists() and meta.exists():
        return np.load(key), json.loads(meta.read_text())["seconds"]
    started = time.perf_counter()
    command = ["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", "16000"]
    raw = subprocess.run([*command, "-f", "f32le", "-"], capture_output=True, check=True).stdout
    seconds = time.perf_counter() - started
    samples = np.frombuffer(raw, np.float32).copy()
    key.parent.mkdir(parents=True, exist_ok=True)
    np.save(key, samples)
    meta.write_text(json.dumps({"seconds": seconds}))
    return samples, seconds


async def store(corpus: Path, index: FingerprintIndex, printer: CffiLandmarkFingerprinter):
    tracks = sorted(p for p in (corpus / "tracks").rglob("*") if p.is_file())
    ids: dict[uuid.UUID, str] = {}
    prints: dict[uuid.UUID, LandmarkFingerprint] = {}
    audio_s = decode_s = print_s = put_s = 0.0
    hashes = 0
    for path in tracks:
        name = path.relative_to(corpus / "tracks").as_posix()
        samples, seconds = decode(path)
        track_id = uuid.uuid5(uuid.NAMESPACE_URL, name)
        ids[track_id] = name
        started = time.perf_counter()
        (fingerprint,) = await printer.prints(PcmAudio(samples, FINGERPRINT_RATE), [INDEXED])
        printed = time.perf_counter()
        await index.put(track_id, fingerprint)
        put_s += time.perf_counter() - printed
        print_s += printed - started
        decode_s += seconds
        audio_s += len(samples) / FINGERPRINT_RATE
        hashes += len(fingerprint)
        prints[track_id] = fingerprint
    stats = {
        "tracks": len(tracks),
        "audio_hours": audio_s / 3600,
        "hashes": hashes,
        "store_x_realtime": audio_s / (decode_s + print_s + put_s),
        "fingerprint_x_realtime": audio_s / print_s,
        "decode_x_realtime": audio_s / decode_s,
        "put_x_realtime": audio_s / put_s,
        "hashes_per_second_audio": hashes / audio_s,
        "fingerprints_per_second": len(tracks) / (decode_s + print_s + put_s),
    }
    return ids, prints, stats


QUERY_SETS = {"regular": "queries", "hard": "queries-hard"}


async def identify_all(
    folder: Path, rows: list[dict], identify: _Timed, ids, prints: dict | None = None
) -> list:
    """Each query through IdentifyExact; an answer of the right track at another offset is
    marked a repeat when the track's own landmarks recur there (a loop, a chorus played
    again), which no clip can tell apart (see recurrence)."""
    by_name = {name: track_id for track_id, name in ids.items()}
    outcomes: list[Outcome] = []
    for row in rows:
        samples, _ = decode(folder / row["query"])
        started = time.perf_counter()
        matches = await identify(PcmAudio(samples, FINGERPRINT_RATE), limit=3)
        latency = time.perf_counter() - started
        clip = PcmAudio(samples, FINGERPRINT_RATE)
        (first_pass,) = await identify.fingerprinter.prints(clip, [INDEXED])
        began = time.perf_counter()
        await match_exact(identify.index, first_pass, 3)
        match_only = time.perf_counter() - began
        top = matches[0] if matches else None
        repeat = False
        if prints and top and ids[top.track_id] == row["true_track"]:
            share = recurrence(
                prints[by_name[row["true_track"]]],
                row["true_offset_s"],
                top.offset_seconds,
                row.get("source_span_s", row["duration_s"]),
            )
            repeat = share >= REPEAT_SHARE
        outcomes.append(
            Outcome(
                row=row,
                answer=ids[top.track_id] if top else None,
                offset=top.offset_seconds if top else None,
                confidence=top.confidence if top else None,
                latency=latency,
                match_only=match_only,
                speed=top.speed if top else None,
                repeat=repeat,
            )
        )
    return outcomes


# Of a passage's landmarks found again at the other offset: a loop played again keeps a
# good share of them (not all: peaks are fragile, a small difference moves a
# neighbourhood's maximum): 25-100 % on the unseen corpus's loops; at random offsets under 1 %.
REPEAT_SHARE = 0.2


def recurrence(reference: LandmarkFingerprint, at: float, other: float, seconds: float) -> float:
    """The share of the landmarks in the `seconds` of the track from `at` that recur from
    `other`, each within two frames (0 for the passage itself or an empty one)."""
    frame = reference.frame_seconds
    start, shift = round(at / frame), round((other - at) / frame)
    if abs(shift) * frame < 1.0:
        return 0.0
    inside = (reference.times >= start) & (reference.times < start + round(seconds / frame))
    if not inside.any():
        return 0.0
    held = set(zip(reference.hashes.tolist(), reference.times.tolist(), strict=True))
    found = sum(
        any((key, time + shift + step) in held for step in range(-2, 3))
        for key, time in zip(
            reference.hashes[inside].tolist(), reference.times[inside].tolist(), strict=True
        )
    )
    return found / int(inside.sum())


async def main() -> None:
    parser = argparse.ArgumentParser(description="Exact-lane benchmark over the dev corpus")
    default = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
    parser.add_argument("--corpus", type=Path, default=Path(default))
    parser.add_argument("--queries", choices=["regular", "hard", "both"], default="regular")
    parser.add_argument("--quick", action="store_true", help="every third query only")
    parser.add_argument("--index", choices=["lmdb", "memory"], default="lmdb")
    parser.add_argument("--scale-hours", type=float, default=0.0)
    parser.add_argument(
        "--synthetic-model", choices=MODELS, default="independent", help="see exact_scale.py"
    )
    parser.add_argument(
        "--synthetic-from", type=Path, help="corpus whose keys a joint model draws (not --corpus)"
    )
    parser.add_argument("--timeline-mix", type=Path, help="a mix folder: time its 10 s windows")
    parser.add_argument("--key-shift", type=int, default=0, help="LMDB layout (see layout.py)")
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        help="another query set (a make_queries.py folder over this corpus's tracks)",
    )
    parser.add_argument("--write", type=Path, help="write the report (markdown) here")
    args = parser.parse_args()

    names = list(QUERY_SETS) if args.queries == "both" else [args.queries]
    folders = {name: args.corpus / QUERY_SETS[name] for name in names}
    folders |= {folder.name: folder for folder in args.extra}
    sets = {name: _manifest(folder, args.quick) for name, folder in folders.items()}
    printer = CffiLandmarkFingerprinter()
    with tempfile.TemporaryDirectory(prefix="exact-bench-") as scratch:
        lmdb_path = Path(scratch) / "index"
        index: FingerprintIndex
        if args.index == "lmdb":
            index = LmdbFingerprintIndex(lmdb_path, key_shift=args.key_shift)
        else:
            index = InMemoryFingerprintIndex()
        ids, prints, stats = await store(args.corpus, index, printer)
        if args.index == "lmdb":
            stats["index_mb_per_hour"] = _du(lmdb_path) / 1e6 / stats["audio_hours"]
            stats["live_mb_per_hour"] = _live_bytes(lmdb_path) / 1e6 / stats["audio_hours"]
        identify = _Timed(IdentifyExact(printer, index), printer, index)
        outcomes = {
            name: await identify_all(folders[name], rows, identify, ids, prints)
            for name, rows in sets.items()
        }
        near = json.loads((args.corpus / "near_duplicates.json").read_text())
        scale = None
        if args.scale_hours and "regular" in sets:
            clips = {
                "clean 10 s clips, first pass": await _clean_clips(
                    args.corpus, sets["regular"], printer, ids
                )
            }
            if "hard" in sets:
                clips["hard 5 s clips, stretched pass"] = await _hard_clips(
                    args.corpus, sets["hard"], printer, ids
                )
            if args.timeline_mix:
                clips |= await mix_windows(args.timeline_mix, printer, ids, decode)
            other_keys = None
            if args.synthetic_from:
                _, other, _ = await store(args.synthetic_from, InMemoryFingerprintIndex(), printer)
                other_keys = np.concatenate([fp.hashes for fp in other.values()])
            scale = await scale_check(
                Path(scratch) / "scale",
                args.scale_hours,
                stats["hashes_per_second_audio"],
                prints,
                clips,
                small=index,
                model=args.synthetic_model,
                other_keys=other_keys,
            )
        report = render_report(outcomes, stats, near, scale, args.corpus, args.quick)
    print(report)
    if args.write:
        write_section(args.write, report)


def _manifest(folder: Path, quick: bool) -> list[dict]:
    rows = [json.loads(line) for line in (folder / "manifest.jsonl").open()]
    rows = [row for row in rows if "query" in row]  # make_queries.py heads it with its settings
    return rows[::3] if quick else rows


async def _clean_clips(corpus: Path, rows: list[dict], printer, ids) -> list:
    """First-pass (sparse) fingerprints of the clean 10 s clips, with their true track ids."""
    by_name = {name: track_id for track_id, name in ids.items()}
    clips = []
    for row in rows:
        clean = row["degradation"] == "clean" and row["clip_len_nominal_s"] == 10.0
        if clean and row["true_track"]:
            samples, _ = decode(corpus / "queries" / row["query"])
            (query,) = await printer.prints(PcmAudio(samples, FINGERPRINT_RATE), [INDEXED])
            clips.append((by_name[row["true_track"]], query))
    return clips


async def _hard_clips(corpus: Path, rows: list[dict], printer, ids) -> list:
    """Stretched-pass prints of the hard set's 5 s positives, with their true track ids."""
    by_name = {name: track_id for track_id, name in ids.items()}
    clips = []
    for row in rows:
        if row["true_track"] and row["clip_len_nominal_s"] == 5.0:
            samples, _ = decode(corpus / QUERY_SETS["hard"] / row["query"])
            (query,) = await printer.prints(PcmAudio(samples, FINGERPRINT_RATE), [STRETCHABLE])
            clips.append((by_name[row["true_track"]], query))
    return clips


class _Timed:
    """IdentifyExact plus the parts the benchmark times on their own."""

    def __init__(self, identify: IdentifyExact, fingerprinter, index) -> None:
        self.identify, self.fingerprinter, self.index = identify, fingerprinter, index

    async def __call__(self, audio: PcmAudio, limit: int):
        return await self.identify(audio, limit=limit)


def _live_bytes(path: Path) -> int:
    """Pages in use by the index's databases (the file also holds LMDB's free pages)."""
    pages, page_size = 0, 4096
    for data in path.rglob("data.mdb"):
        env = open_environment(data.parent, readonly=True)
        with env.begin() as txn:
            names = [bytes(key) for key, _ in txn.cursor()]
            stats = [env.stat(), *(txn.stat(env.open_db(n, txn=txn, create=False)) for n in names)]
        pages += sum(s["branch_pages"] + s["leaf_pages"] + s["overflow_pages"] for s in stats)
        page_size = stats[0]["psize"]
    return pages * page_size


def write_section(path: Path, section: str, heading: str = "## Exact lane") -> None:
    """Put the report in place of the file's `heading` section (other sections keep theirs)."""
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    start = text.find(heading)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = text.find("\n## ", start + 1)
        rest = text[following + 1 :] if following >= 0 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    path.write_text(text)


def _du(path: Path) -> int:
    """Bytes actually allocated on disk (the LMDB map is a sparse file)."""
    return sum(os.stat(p).st_blocks * 512 for p in path.rglob("*") if p.is_file())


if __name__ == "__main__":
    asyncio.run(main())

"""Rebuilding the fingerprint index: from the prints stored at ingest against decoding.

    .venv/bin/python -m bench.rebuild [--limit N]

The corpus's tracks are stored as ingest stores them (originals, and each track's prints
made once from its decoded audio), then the fingerprint projection applies one
`TrackIngested` per track into a fresh LMDB index twice: the events naming no prints (the
audio decoded and fingerprinted again, as before prints were stored) and naming them.
Both indexes must hold the same entries per track. Reading the log from Postgres is left
out (the same for both). CPU time counts this process and its children (ffmpeg).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.filesystem.audio_storage import FilesystemAudioStorage
from adapters.filesystem.print_store import FilesystemPrintStore
from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.lmdb_index.environment import close_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from application.library.reference_prints import ReferencePrints
from application.projections.fingerprint import FingerprintProjection
from domain.audio import FINGERPRINT_RATE
from domain.events import StoredEvent, TrackIngested

CORPUS = Path(os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus"))


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class _Clock:
    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), _cpu_seconds()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = _cpu_seconds() - self.cpu


async def _rebuild(
    root: Path, name: str, events: list[TrackIngested], reference: ReferencePrints
) -> tuple[_Clock, dict[uuid.UUID, int]]:
    storage = FilesystemAudioStorage(root)
    index = LmdbFingerprintIndex(root / f"lmdb-{name}")
    projection = FingerprintProjection(storage, FfmpegAudioDecoder(), index, reference)
    now = datetime.now(UTC)
    with _Clock() as clock:
        for position, event in enumerate(events, 1):
            await projection.apply(StoredEvent(position, now, event))
    counts = await index.track_counts()
    close_environment(root / f"lmdb-{name}")
    return clock, counts


def _machine() -> str:
    models = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    return f"{models[0] if models else platform.machine()}, {os.cpu_count()} cores"


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="only the first N tracks")
    args = parser.parse_args()
    listing = json.loads((CORPUS / "listing.json").read_text())
    library = [item for item in listing if item["file"].startswith("tracks/")]  # not negatives
    tracks = [(CORPUS / item["file"], float(item["seconds"])) for item in library]
    tracks = tracks[: args.limit] if args.limit else tracks
    seconds = sum(s for _, s in tracks)
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as scratch:
        root = Path(scratch)
        storage, decoder = FilesystemAudioStorage(root), FfmpegAudioDecoder()
        prints = FilesystemPrintStore(root / "blobs" / "prints")
        reference = ReferencePrints(CffiLandmarkFingerprinter(), prints)
        plain, named = [], []
        with _Clock() as made:  # what ingest now does once per track
            for path, track_seconds in tracks:
                sha = hashlib.sha256(path.read_bytes()).hexdigest()
                key = await storage.put(path, sha, path.suffix)
                audio = await decoder.decode(path, FINGERPRINT_RATE)
                prints_key = await reference.store(await reference.make(audio))
                track_id = uuid.uuid4()
                plain.append(TrackIngested(track_id, key, track_seconds))
                named.append(TrackIngested(track_id, key, track_seconds, prints_key))
        decoding, decoded_counts = await _rebuild(root, "decoding", plain, reference)
        stored, stored_counts = await _rebuild(root, "stored", named, reference)
        assert decoded_counts == stored_counts, "the two rebuilds differ"
        audio_bytes = sum(p.stat().st_size for p, _ in tracks)
        print_bytes = sum(p.stat().st_size for p in (root / "blobs" / "prints").glob("*/*"))
    print(f"{len(tracks)} tracks, {seconds / 3600:.2f} h of audio; {_machine()}")
    print(f"originals {audio_bytes / 1e6:.1f} MB, stored prints {print_bytes / 1e6:.1f} MB")
    print(f"entries {sum(stored_counts.values())} (the same per track both ways)")
    print("| rebuild | wall s | CPU s | x real time (wall) | x real time per CPU core |")
    print("|---|---|---|---|---|")
    for label, clock in (
        ("ingest: decode, make and store prints (once)", made),
        ("rebuild decoding the originals", decoding),
        ("rebuild from stored prints", stored),
    ):
        print(
            f"| {label} | {clock.wall:.2f} | {clock.cpu:.2f} | {seconds / clock.wall:,.0f} | "
            f"{seconds / clock.cpu:,.0f} |"
        )


if __name__ == "__main__":
    asyncio.run(main())

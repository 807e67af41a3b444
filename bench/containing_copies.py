"""Files that hold a library track, through ingest's own decision (`IngestFile` on the
in-memory twins, with the real Chromaprint): does the whole recording replace a copy cut
short, and does a longer file that holds the track among other audio replace nothing?

The corpus is the library. For each of its tracks T (long enough), one file per case:

- must replace (the kept copy is T cut short, the new file is T): its first 18 s, 30 s from
  inside, its last 30 s;
- must replace nothing (T is kept whole): 40 s from inside another recording, T, 40 s from
  inside another one, cut hard, with 2 s of silence between, or crossfaded over 6 s; the
  others taken from `others` (a corpus the library does not hold) or from the library;
  T followed by another recording (an album in one file, a song and the talk after it);
- the same hard-cut mix when the library holds only T's first 18 s (must replace nothing).

Run by `bench.dedup_containment --parts mixes`.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import UUID

import numpy as np

from adapters.chromaprint.dedup_fingerprinter import ChromaprintDedupFingerprinter
from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from adapters.landmarks.fingerprinter import CffiLandmarkFingerprinter
from adapters.memory.audio_decoder import InMemoryAudioDecoder
from adapters.memory.audio_storage import InMemoryAudioStorage
from adapters.memory.clock import FixedClock
from adapters.memory.database import InMemoryDatabase
from adapters.memory.metadata_reader import InMemoryMetadataReader
from adapters.memory.print_store import InMemoryPrintStore
from adapters.memory.unit_of_work import InMemoryUnitOfWorkFactory
from application.capacity.admission import AdmissionPolicy, CpuAdmission
from application.library.ingest_file import IngestFile
from application.library.ingest_policy import IngestPolicy
from application.library.reference_prints import ReferencePrints
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.library.ingest_outcome import IngestOutcome, IngestStatus
from tests.support.audio_factory import joined

OTHER_SECONDS = 40.0
MUST_REPLACE = ("first 18 s kept, whole file", "30 s from inside kept", "last 30 s kept")


class _Library:
    """The corpus ingested once; each case runs on a copy of it."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.db = folder, InMemoryDatabase()
        self.decoder = InMemoryAudioDecoder()
        self.ids: dict[Path, UUID] = {}
        self._names = 0

    def ingest_on(self, db: InMemoryDatabase) -> Callable[[PcmAudio], Awaitable[IngestOutcome]]:
        clock = FixedClock()
        use_case = IngestFile(
            InMemoryUnitOfWorkFactory(db, clock), InMemoryAudioStorage(), self.decoder,
            InMemoryMetadataReader(), ChromaprintDedupFingerprinter(), clock,
            IngestPolicy(max_seconds=3600), CpuAdmission(AdmissionPolicy.unbounded()),
            ReferencePrints(CffiLandmarkFingerprinter(), InMemoryPrintStore()),
        )  # fmt: skip

        async def ingest(audio: PcmAudio) -> IngestOutcome:
            self._names += 1
            path = self.folder / f"file-{self._names}.wav"
            path.write_bytes(path.name.encode())  # unique bytes; the twin decoder serves audio
            self.decoder.register(path.name, audio)
            try:
                return await use_case(path)
            finally:
                path.unlink()
                del self.decoder.library[path.name]

        return ingest

    def without(self, track: Path) -> InMemoryDatabase:
        db = self.copy()
        gone = self.ids[track]
        del db.tracks[gone]
        for holders in db.terms.values():
            holders.discard(gone)
        return db

    def copy(self) -> InMemoryDatabase:
        db = InMemoryDatabase()
        db.tracks = dict(self.db.tracks)
        db.terms = {term: set(holders) for term, holders in self.db.terms.items()}
        return db


async def run(corpus: Path, others_corpus: Path, limit: int) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    decoder = FfmpegAudioDecoder()
    files = _tracks(corpus)[: limit or None]
    others = _tracks(others_corpus)
    audio = {f: await decoder.decode(f, FINGERPRINT_RATE) for f in files}
    # Pieces from inside other recordings: 40 s from 20 s in (their first minute decoded).
    pieces = [
        (await decoder.decode(f, FINGERPRINT_RATE, max_seconds=60.0)).slice_seconds(20.0, 60.0)
        for f in others
    ]
    pieces = [p for p in pieces if p.duration_seconds >= OTHER_SECONDS - 0.5]
    rng = np.random.default_rng(7)
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    wrong: list[str] = []  # files that ended where they must not: for reading, below
    decision_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        library = _Library(Path(folder))
        ingest_all = library.ingest_on(library.db)
        for f in files:
            outcome = await ingest_all(audio[f])
            if outcome.status is IngestStatus.INGESTED and outcome.track_id is not None:
                library.ids[f] = outcome.track_id
        for f in files:
            if f not in library.ids or audio[f].duration_seconds < 50.0:
                continue
            track = audio[f]
            length = track.duration_seconds

            def other(pool: list[PcmAudio]) -> PcmAudio:
                return pool[int(rng.integers(len(pool)))]

            own = [audio[g].slice_seconds(20.0, 60.0) for g in files if g != f]
            own = [p for p in own if p.duration_seconds >= OTHER_SECONDS - 0.5]
            inside = float(rng.uniform(5.0, length - 35.0))
            for case, kept in zip(
                MUST_REPLACE,
                (
                    track.slice_seconds(0.0, 18.0),
                    track.slice_seconds(inside, inside + 30.0),
                    track.slice_seconds(length - 30.0, length),
                ),
                strict=True,
            ):
                db = library.without(f)
                first = await library.ingest_on(db)(kept)
                outcome = await _timed(library.ingest_on(db), track, decision_cpu)
                word = _word(outcome, first.track_id)
                rows[case][word] += 1
                if word != "replaced":
                    wrong.append(f"{case}: {f.parent.name}/{f.name}: {word}")
            before, after = other(pieces), other(pieces)
            mixes = {
                "unknown + T + unknown, cut hard": joined(before, track, after),
                "unknown + T + unknown, 2 s gaps": joined(
                    before, _silence(2), track, _silence(2), after
                ),
                "unknown + T + unknown, 6 s crossfades": joined(
                    before, track, after, crossfade=6.0
                ),
                "library + T + library, cut hard": joined(other(own), track, other(own)),
                "T + unknown (T at the head)": joined(track, after),
            }
            for case, mix in mixes.items():
                outcome = await _timed(library.ingest_on(library.copy()), mix, decision_cpu)
                word = _word(outcome, library.ids[f])
                rows[case][word] += 1
                if word == "replaced":
                    wrong.append(f"{case}: {f.parent.name}/{f.name}: {word}")
            db = library.without(f)
            first = await library.ingest_on(db)(track.slice_seconds(0.0, 18.0))
            mix = mixes["unknown + T + unknown, cut hard"]
            case = "only T's first 18 s kept; the hard-cut mix"
            word = _word(await library.ingest_on(db)(mix), first.track_id)
            rows[case][word] += 1
            if word == "replaced":
                wrong.append(f"{case}: {f.parent.name}/{f.name}: {word}")
    _print(rows, corpus, others_corpus, len(library.ids))
    print("\nWrong outcomes:", *wrong, sep="\n- ")
    print(
        f"\nwall {time.perf_counter() - started:.0f} s, CPU {time.process_time() - cpu:.0f} s; "
        f"ingest of one whole file or mix (decision included): median "
        f"{np.median(decision_cpu) * 1000:.0f} ms CPU, max {max(decision_cpu) * 1000:.0f} ms"
    )


async def _timed(
    ingest: Callable[[PcmAudio], Awaitable[IngestOutcome]], audio: PcmAudio, spent: list[float]
) -> IngestOutcome:
    cpu = time.process_time()
    outcome = await ingest(audio)
    spent.append(time.process_time() - cpu)
    return outcome


def _word(outcome: IngestOutcome, kept: UUID | None) -> str:
    if outcome.status is IngestStatus.INGESTED:
        return "new track"
    if outcome.track_id != kept:
        return "another track"
    reason = outcome.reason or ""
    if reason.startswith("replaced"):
        return "replaced"
    if reason.startswith("contains"):
        return "contains: " + reason.split("with ", 1)[1].split(";")[0]
    return "kept (no better)"


def _print(rows: dict[str, Counter[str]], corpus: Path, others: Path, size: int) -> None:
    words = sorted({w for counts in rows.values() for w in counts})
    print(f"library: {corpus} ({size} tracks); unknown audio from {others}\n")
    print("| file | n | " + " | ".join(words) + " |")
    print("|---|---|" + "---|" * len(words))
    for case, counts in rows.items():
        cells = " | ".join(str(counts.get(w, 0)) for w in words)
        print(f"| {case} | {sum(counts.values())} | {cells} |")


def _tracks(corpus: Path) -> list[Path]:
    listing = json.loads((corpus / "listing.json").read_text())
    return [corpus / e["file"] for e in listing if e["file"].startswith("tracks/")]


def _silence(seconds: float) -> PcmAudio:
    return PcmAudio(np.zeros(int(seconds * FINGERPRINT_RATE), dtype=np.float32), FINGERPRINT_RATE)

"""How well the near-duplicate check tells copies cut from a track from other music, and
how well ingest tells the whole recording (which replaces a copy cut short) from a longer
file that holds a library track among other audio (which must replace nothing).

Part `cuts`: for every track of the corpus, its first 18 s, and 10 s and 20 s from a random
point, each as decoded and re-encoded to MP3 at 64 kbit/s. Each cut copy is compared with
its own track and with every other track (libchromaprint, `domain.library.near_duplicate`);
prints a Markdown table: the lowest similarity to the true track, how many cut copies the
check calls duplicates of it, the highest similarity to any other track, and how many it
would wrongly call a duplicate of another track.

Part `mixes` (`bench.containing_copies`): the corpus is the library; files holding its
tracks are built with other audio from `--others` (a corpus the library does not hold) or
from the library itself, and each is put through ingest's decision; prints how many were
found, replaced the kept copy, or were reported as containing it (and why).

    .venv/bin/python -m bench.dedup_containment [--corpus /var/tmp/audio-ident-corpus]
        [--parts cuts,mixes] [--others /var/tmp/audio-ident-unseen] [--tracks N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from adapters.chromaprint.dedup_fingerprinter import ChromaprintDedupFingerprinter
from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from bench import containing_copies
from domain.audio import FINGERPRINT_RATE, PcmAudio
from domain.exact.fingerprint import Chromaprint
from domain.library.near_duplicate import MIN_OVERLAP, compare, is_near_duplicate
from tests.support.audio_factory import encode, write_wav

Row = tuple[float, bool, float, bool]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("/var/tmp/audio-ident-corpus"))
    parser.add_argument("--parts", default="cuts,mixes")
    parser.add_argument("--others", type=Path, default=Path("/var/tmp/audio-ident-unseen"))
    parser.add_argument("--tracks", type=int, default=0, help="at most this many (0: all)")
    args = parser.parse_args()
    if "cuts" in args.parts:
        await _cut_copies(args.corpus)
    if "mixes" in args.parts:
        await containing_copies.run(args.corpus, args.others, args.tracks)


async def _cut_copies(corpus: Path) -> None:
    decoder, printer = FfmpegAudioDecoder(), ChromaprintDedupFingerprinter()
    listing = json.loads((corpus / "listing.json").read_text())
    files = [corpus / e["file"] for e in listing if e["file"].startswith("tracks/")]
    audio = {f: await decoder.decode(f, FINGERPRINT_RATE) for f in files}
    prints = {f: await printer.fingerprint(a) for f, a in audio.items()}
    rng = np.random.default_rng(1)
    rows: dict[str, list[Row]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as folder:
        for track in files:
            for kind, cut in _cuts(audio[track], rng).items():
                for codec, copy in (("", cut), (" MP3 64k", await _mp3(cut, Path(folder)))):
                    print_ = await printer.fingerprint(copy)
                    rows[kind + codec].append(_row(track, print_, copy, prints, audio))
    print("| cut copy | copies | lowest similarity to its track | found | "
          "highest similarity to another | wrongly matched |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for kind, found in rows.items():
        print(
            f"| {kind} | {len(found)} | {min(r[0] for r in found):.3f} | "
            f"{sum(r[1] for r in found)} | {max(r[2] for r in found):.3f} | "
            f"{sum(r[3] for r in found)} |"
        )


def _cuts(audio: PcmAudio, rng: np.random.Generator) -> dict[str, PcmAudio]:
    cuts = {"first 18 s": audio.slice_seconds(0.0, 18.0)}
    if audio.duration_seconds > 40:
        start = float(rng.uniform(5, audio.duration_seconds - 25))
        cuts["10 s from inside"] = audio.slice_seconds(start, start + 10)
        cuts["20 s from inside"] = audio.slice_seconds(start, start + 20)
    return cuts


async def _mp3(audio: PcmAudio, folder: Path) -> PcmAudio:
    wav = write_wav(folder / "cut.wav", audio)
    mp3 = await asyncio.to_thread(encode, wav, folder / "cut.mp3", "-b:a", "64k")
    return await FfmpegAudioDecoder().decode(mp3, FINGERPRINT_RATE)


def _row(
    track: Path,
    print_: Chromaprint,
    copy: PcmAudio,
    prints: dict[Path, Chromaprint],
    audio: dict[Path, PcmAudio],
) -> Row:
    seconds = copy.duration_seconds
    own = compare(prints[track], print_).similarity
    found = is_near_duplicate(prints[track], audio[track].duration_seconds, print_, seconds)
    others = [f for f in prints if f != track]
    # Aligned over most of the cut copy, as the check requires; a sliver can agree by chance.
    closest = max(_aligned_similarity(prints[f], print_) for f in others)
    wrong = any(
        is_near_duplicate(prints[f], audio[f].duration_seconds, print_, seconds) for f in others
    )
    return own, found, closest, wrong


def _aligned_similarity(track: Chromaprint, copy: Chromaprint) -> float:
    result = compare(track, copy)
    return result.similarity if result.overlap >= MIN_OVERLAP else 0.0


if __name__ == "__main__":
    asyncio.run(main())

"""Decoding cost: the service's ffmpeg child process per file against decoding in process.

    .venv/bin/python -m bench.decode [--queries GLOB] [--tracks GLOB] [--rounds 2]

Issue 23 names in-process decoding (PyAV, which bundles ffmpeg's libraries) as the first
thing to measure for the exact lane's CPU time. Both ways produce the same mono f32 samples
at the fingerprint rate; this times them on short query clips (where a process spawn is
most of the cost) and on whole library tracks (where the codec and the resampler are).
PyAV is not a dependency of the service: install it beside the project to run the second
column (`.venv/bin/pip install av`); without it only the first is measured.

CPU time counts this process and its children, so the ffmpeg child's work is included.
"""

from __future__ import annotations

import argparse
import asyncio
import glob
import os
import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from adapters.ffmpeg.decoder import FfmpegAudioDecoder
from domain.audio import FINGERPRINT_RATE

CORPUS = os.environ.get("AUDIO_IDENT_CORPUS", "/var/tmp/audio-ident-corpus")
Decode = Callable[[Path], npt.NDArray[np.float32]]


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _child_process(path: Path) -> npt.NDArray[np.float32]:
    return asyncio.run(FfmpegAudioDecoder().decode(path, FINGERPRINT_RATE)).samples


def _in_process() -> Decode | None:
    try:
        import av  # pyright: ignore[reportMissingImports]
    except ImportError:
        return None

    def decode(path: Path) -> npt.NDArray[np.float32]:
        with av.open(str(path)) as container:  # pyright: ignore[reportUnknownMemberType]
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=FINGERPRINT_RATE)
            parts: list[npt.NDArray[np.float32]] = []
            for frame in [*container.decode(stream), None]:
                parts += [f.to_ndarray()[0] for f in resampler.resample(frame)]
        return np.concatenate(parts) if parts else np.zeros(0, np.float32)

    return decode


def _timed(decode: Decode, files: list[Path]) -> tuple[float, float, float]:
    wall, cpu, seconds = time.perf_counter(), _cpu_seconds(), 0.0
    for path in files:
        seconds += len(decode(path)) / FINGERPRINT_RATE
    return time.perf_counter() - wall, _cpu_seconds() - cpu, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--queries", default=f"{CORPUS}/queries/queries/*.wav")
    parser.add_argument("--tracks", default=f"{CORPUS}/tracks/*/*.ogg")
    parser.add_argument("--rounds", type=int, default=2, help="alternating runs of each way")
    args = parser.parse_args()
    ways: list[tuple[str, Decode]] = [("ffmpeg child process", _child_process)]
    if (in_process := _in_process()) is not None:
        ways.append(("PyAV in process", in_process))
    print(f"{platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print("| files | way | files | audio s | wall s | CPU s | CPU ms/file | x real time per core |")
    print("|---|---|---|---|---|---|---|---|")
    for label, pattern in (("queries", args.queries), ("tracks", args.tracks)):
        files = [Path(p) for p in sorted(glob.glob(pattern))]
        if not files:
            continue
        for _ in range(args.rounds):
            for way, decode in ways:
                wall, cpu, seconds = _timed(decode, files)
                print(
                    f"| {label} | {way} | {len(files)} | {seconds:.0f} | {wall:.2f} | {cpu:.2f} "
                    f"| {1000 * cpu / len(files):.1f} | {seconds / cpu:.0f} |"
                )


if __name__ == "__main__":
    main()

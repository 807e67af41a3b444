"""libFuzzer on the landmark C code under AddressSanitizer and UBSan, for a bounded time.

    .venv/bin/python -m bench.fuzz_landmarks [--seconds 600] [--write bench/RESULTS.md]

Builds tests/support/fuzz_landmarks.c (the harness the suite's hypothesis test also runs)
with clang -fsanitize=fuzzer,address,undefined, runs it with a corpus kept under
bench/out/fuzz/ (so later runs start from the coverage reached), and reports executions,
coverage, peak memory and crashes. Needs clang and its compiler-rt (Debian: clang,
libclang-rt-14-dev). A crash leaves its input in bench/out/fuzz/crash-*.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from adapters.landmarks.build_landmarks import C_SOURCES
from bench.http_api import ROOT, write_section

OUT = ROOT / "bench" / "out" / "fuzz"
SOURCES = ROOT / "adapters" / "landmarks"
HARNESS = ROOT / "tests" / "support" / "fuzz_landmarks.c"
SECTION = "## Fuzzing the landmark C code"


def build() -> Path:
    if shutil.which("clang") is None:
        raise SystemExit("clang not found: apt-get install clang libclang-rt-14-dev")
    OUT.mkdir(parents=True, exist_ok=True)
    binary = OUT / "fuzz_landmarks"
    flags = ["-g", "-O1", "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=all"]
    sources = [*(SOURCES / name for name in C_SOURCES), HARNESS]
    command = ["clang", *flags, f"-I{SOURCES}", *map(str, sources), "-lm", "-o", str(binary)]
    subprocess.run(command, check=True)
    return binary


def run(binary: Path, seconds: int) -> dict[str, str]:
    corpus = OUT / "corpus"
    corpus.mkdir(exist_ok=True)
    started = time.monotonic()
    done = subprocess.run(
        [
            str(binary),
            str(corpus),
            f"-max_total_time={seconds}",
            "-max_len=65536",
            "-rss_limit_mb=2048",
            "-timeout=30",
            "-print_final_stats=1",
            f"-artifact_prefix={OUT}/",
        ],
        capture_output=True,
        text=True,
        cwd=OUT,
        timeout=seconds + 300,
    )
    log = done.stderr
    (OUT / "last-run.log").write_text(log)
    stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", log))
    coverage = re.findall(r"cov: (\d+) ft: (\d+)", log)
    crashes = [p.name for pattern in ("crash-*", "leak-*", "timeout-*") for p in OUT.glob(pattern)]
    return {
        "seconds": f"{time.monotonic() - started:.0f}",
        "executions": stats.get("number_of_executed_units", "?"),
        "per_second": stats.get("average_exec_per_sec", "?"),
        "peak_rss_mb": stats.get("peak_rss_mb", "?"),
        "coverage": coverage[-1][0] if coverage else "?",
        "features": coverage[-1][1] if coverage else "?",
        "corpus": str(len(list(corpus.iterdir()))),
        "crashes": str(len(crashes)),
        "exit": str(done.returncode),
    }


def render(figures: dict[str, str]) -> str:
    load = os.getloadavg()
    return "\n".join(
        [
            SECTION,
            "",
            f"`python -m bench.fuzz_landmarks {' '.join(sys.argv[1:])}` on "
            f"{time.strftime('%Y-%m-%d %H:%M')} UTC, one core of the shared 2-core VM (load "
            f"average {load[0]:.1f}), clang 14 libFuzzer with ASan + UBSan "
            "(-fno-sanitize-recover): the C entry points as they are on this branch "
            "(`lm_find_peaks`, `lm_pair_hashes`, `lm_triplet_hashes` through "
            "`tests/support/fuzz_landmarks.c`, "
            "which also checks the results' invariants). Inputs: raw float32 bit patterns "
            "(NaN, ±inf, denormals) up to 16 k samples, and synthesised silence, full-scale "
            "squares, clicks, denormals, non-finite mixes and loud noise up to 2 M samples "
            "(131 s); parameters in and out of range, hash buffers sometimes too short.",
            "",
            "| seconds | executions | exec/s | coverage (edges) | features | corpus | "
            "peak RSS MB | crashes | exit |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {figures['seconds']} | {figures['executions']} | {figures['per_second']} | "
            f"{figures['coverage']} | {figures['features']} | {figures['corpus']} | "
            f"{figures['peak_rss_mb']} | {figures['crashes']} | {figures['exit']} |",
            "",
            "The suite runs the same harness under gcc's sanitizers from hypothesis "
            "(`tests/integration/test_native_fuzz.py`, 150 cases) and checks the production "
            "build's landmarks through `native.py`.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()
    figures = run(build(), args.seconds)
    report = render(figures)
    print(report)
    if args.write:
        write_section(args.write, report, SECTION)
    if figures["crashes"] != "0" or figures["exit"] != "0":
        raise SystemExit(1)


if __name__ == "__main__":
    main()

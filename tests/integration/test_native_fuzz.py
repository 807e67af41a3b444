"""Property-based fuzzing of the landmark C code: hypothesis draws lengths (0, 1, odd,
window edges, huge), raw float32 patterns (NaN, ±inf, denormals), silence, full-scale
squares, clicks and parameters, and feeds them to the C code built with AddressSanitizer
and UBSan (tests/support/fuzz_landmarks.c, which also checks the results' invariants), and
to the production build through native.py. bench/fuzz_landmarks.py runs libFuzzer longer."""

from __future__ import annotations

import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.landmarks import native
from adapters.landmarks.build_landmarks import C_SOURCES
from adapters.landmarks.native import BINS, PairParams, PeakParams, find_peaks, pair_hashes

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "adapters" / "landmarks"
HARNESS = ROOT / "tests" / "support" / "fuzz_landmarks.c"
EDGES = [0, 1, 2, 1023, 1024, 1025, 1151, 1152, 3333, 2**21 - 1]  # 2**21 - 1: ~131 s

floats32 = st.floats(width=32, allow_nan=True, allow_infinity=True, allow_subnormal=True)
lengths = st.one_of(st.sampled_from(EDGES), st.integers(0, 20_000).map(lambda n: n | 1))


@st.composite
def cases(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 6))
    params = draw(st.binary(min_size=14, max_size=14))
    if kind == 0:
        samples = draw(st.lists(floats32, max_size=6000))
        return bytes([kind]) + bytes(4) + params + struct.pack(f"<{len(samples)}f", *samples)
    length = draw(lengths)
    huge = 0xFF000000 if length >= 65536 else 0  # the harness's flag for long inputs
    return bytes([kind]) + struct.pack("<I", length | huge) + params


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[bytes], None]]:
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc to build the sanitized harness")
    binary = tmp_path_factory.mktemp("fuzz") / "fuzz_landmarks"
    flags = ["-std=c99", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover"]
    sources = [*(SOURCES / name for name in C_SOURCES), HARNESS]
    subprocess.run(
        [
            "gcc",
            *flags,
            "-DSTDIN_DRIVER",
            f"-I{SOURCES}",
            *map(str, sources),
            "-lm",
            "-o",
            str(binary),
        ],
        check=True,
    )
    errors = binary.with_suffix(".stderr")
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [str(binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
        )
    assert process.stdin is not None and process.stdout is not None

    def send(case: bytes) -> None:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(struct.pack("<I", len(case)) + case)
        process.stdin.flush()
        answer = process.stdout.readline()
        assert answer == b"ok\n", errors.read_text(errors="replace")[-4000:]

    yield send
    process.stdin.close()
    assert process.wait(timeout=60) == 0, errors.read_text(errors="replace")[-4000:]


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(case=cases())
def test_the_c_code_is_clean_under_sanitizers_for_any_input(
    sanitized: Callable[[bytes], None], case: bytes
) -> None:
    sanitized(case)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    samples=st.one_of(
        st.lists(floats32, max_size=5000),
        st.integers(0, 40_000).map(lambda n: [1.0, -1.0] * (n // 2)),  # full-scale square
    ),
    half=st.integers(0, 40),
    fanout=st.integers(1, 12),
    scale=st.sampled_from([1.0, 0.97, 1.03, 0.5]),
)
def test_the_production_build_gives_well_formed_landmarks(
    samples: list[float], half: int, fanout: int, scale: float
) -> None:
    x = np.asarray(samples, np.float32)
    peaks = find_peaks(x, PeakParams(half_t=half, half_f=half))
    frames = max(0, (len(x) - 1024) // 128 + 1)
    assert np.all((peaks["t"] >= 0) & (peaks["t"] < max(frames, 1)))
    assert np.all((peaks["f"] >= 9) & (peaks["f"] < BINS))
    assert np.all(np.isfinite(peaks["strength"]))
    order = np.lexsort((peaks["f"], peaks["t"]))
    assert np.array_equal(order, np.arange(len(peaks)))
    hashes, times = pair_hashes(peaks, PairParams(fanout=fanout), scale, 1 / scale)
    assert len(hashes) == len(times) <= len(peaks) * fanout * 8
    assert np.all(hashes < 1 << 24)
    tolerant = scale != 1.0
    params = native.TripletParams(fanout=max(2, fanout), tolerant=tolerant)
    hashes, times = native.triplet_hashes(peaks, params)
    assert len(hashes) == len(times)
    assert np.all(hashes >= native.TRIPLET_FAMILY) and np.all(np.isin(times, peaks["t"]))

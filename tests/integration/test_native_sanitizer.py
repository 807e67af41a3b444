"""The C code under AddressSanitizer and UBSan: adversarial lengths, values and parameters."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from adapters.landmarks.build_landmarks import C_SOURCES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "adapters" / "landmarks"


@pytest.fixture(scope="module")
def sanitized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("gcc") is None:
        pytest.skip("needs gcc")
    binary = tmp_path_factory.mktemp("sanitizer") / "sanitized"
    flags = ["-std=c99", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover"]
    harness = ROOT / "tests" / "support" / "native_sanitizer.c"
    sources = [*(SOURCES / name for name in C_SOURCES), harness]
    subprocess.run(
        ["gcc", *flags, f"-I{SOURCES}", *map(str, sources), "-lm", "-o", str(binary)], check=True
    )
    return binary


@pytest.mark.slow
def test_c_code_is_clean_under_sanitizers(sanitized: Path) -> None:
    run = subprocess.run([str(sanitized)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    assert "sanitizer run clean" in run.stdout


def test_a_failed_allocation_is_reported_as_out_of_memory(sanitized: Path) -> None:
    # ASan hands out NULL for any allocation over 8 MiB: the only way to make malloc fail on cue.
    env = os.environ | {"ASAN_OPTIONS": "allocator_may_return_null=1:max_allocation_size_mb=8"}
    run = subprocess.run(
        [str(sanitized), "oom"], capture_output=True, text=True, timeout=60, env=env
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert "out of memory reported" in run.stdout

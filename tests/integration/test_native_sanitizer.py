"""The C code under AddressSanitizer and UBSan: adversarial lengths, values and parameters."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from adapters.landmarks.build_landmarks import C_SOURCES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "adapters" / "landmarks"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")
def test_c_code_is_clean_under_sanitizers(tmp_path: Path) -> None:
    binary = tmp_path / "sanitized"
    flags = ["-std=c99", "-O1", "-g", "-fsanitize=address,undefined", "-fno-sanitize-recover"]
    harness = ROOT / "tests" / "support" / "native_sanitizer.c"
    sources = [*(SOURCES / name for name in C_SOURCES), harness]
    subprocess.run(
        ["gcc", *flags, f"-I{SOURCES}", *map(str, sources), "-lm", "-o", str(binary)], check=True
    )
    run = subprocess.run([str(binary)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    assert "sanitizer run clean" in run.stdout

"""cffi (API mode) build of the landmark fingerprinter: `ffibuilder` for setup.py."""

from __future__ import annotations

import os
from pathlib import Path

from cffi import FFI

# setuptools wants source paths relative to the project root (where setup.py runs).
HERE = Path("adapters/landmarks")
# The C sources, also built by the sanitizer and fuzz harnesses (tests/support, bench).
C_SOURCES = ("peaks.c", "pairs.c", "triplets.c")


def declarations(header: str) -> str:
    """The header as cffi's cdef wants it: no include guard or #include, constants kept."""
    kept = []
    for line in header.splitlines():
        words = line.split()
        if line.startswith("#") and not (len(words) == 3 and words[0] == "#define"):
            continue
        kept.append(line)
    return "\n".join(kept)


ffibuilder = FFI()
ffibuilder.cdef(declarations((Path(__file__).resolve().parent / "landmarks.h").read_text()))
ffibuilder.set_source(
    "adapters.landmarks._landmarks",
    '#include "landmarks.h"',
    sources=[str(HERE / name) for name in C_SOURCES],
    include_dirs=[str(HERE)],
    extra_compile_args=["-O3", "-std=c99", "-Wall", "-Wextra"],
    libraries=["m"],
)

if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parents[2])
    ffibuilder.compile(verbose=True)

"""Name, version and git sha of the running build, read once at start."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

NAME = "audio-ident"


@dataclass(frozen=True, slots=True)
class BuildInfo:
    name: str
    version: str
    git_sha: str | None

    @classmethod
    def read(cls, git_sha: str | None) -> BuildInfo:
        """`git_sha` (the setting AUDIO_IDENT_GIT_SHA, set by image builds) wins; else ask
        git about our checkout."""
        try:
            version = metadata.version(NAME)
        except metadata.PackageNotFoundError:
            version = "0.0.0"
        return cls(NAME, version, git_sha or _git_sha())


def _git_sha() -> str | None:
    checkout = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=checkout,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None

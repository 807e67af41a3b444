"""The settings as documented: README's settings are one table, and .env.example, loaded
the way it says (nothing reads a .env file), gives valid settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_settings_are_one_table() -> None:
    text = (ROOT / "README.md").read_text()
    section = text[text.index("\n## Settings\n") :]
    lines = section[: section.index("\n## ", 1)].splitlines()
    rows = [number for number, line in enumerate(lines) if line.startswith("|")]
    # A blank line between rows ends the table: what follows renders as text, no header.
    assert rows == list(range(rows[0], rows[0] + len(rows)))
    assert "UPLOAD_TIMEOUT_SECONDS" in section and "CPU_LATENCY_BUDGET" in section


def test_the_env_example_loaded_as_it_says_gives_valid_settings() -> None:
    assert "set -a; . ./.env.example; set +a" in (ROOT / ".env.example").read_text()
    check = f"{sys.executable} -c 'from entrypoints.settings import Settings; Settings.from_env()'"
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/")}
    done = subprocess.run(
        ["bash", "-c", f"set -a; . ./.env.example; set +a; {check}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr

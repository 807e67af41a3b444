"""One real `serve` for all browser tests: embedded Postgres, LMDB, embedded Qdrant and the
tiny CLAP, with the generated library ingested through the CLI beforehand."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import service as serving
from tests.browser.chromium import CHROMIUM, NARROW, WIDE, Viewport
from tests.browser.library import write_library
from tests.browser.service import Service
from tests.support.fixtures.vibe import tiny_clap_dir
from tests.support.tiny_clap import TINY_DIMENSION

__all__ = ["tiny_clap_dir"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not CHROMIUM.exists():
        raise pytest.UsageError("the browser tests need Debian's chromium: run scripts/setup")


@pytest.fixture(scope="session")
def storage_root() -> Iterator[Path]:
    # Not under pytest's 0700 temp folder: the embedded Postgres, run as root, drops to
    # another user that must reach its data directory.
    root = Path(tempfile.mkdtemp(prefix="audio-ident-browser-", dir="/var/tmp"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def service(
    storage_root: Path, tiny_clap_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    env = serving.environment(storage_root / "data", tiny_clap_dir, TINY_DIMENSION)
    files = write_library(tmp_path_factory.mktemp("library"))
    serving.run_cli(
        env,
        "users",
        "create",
        serving.ADMIN,
        "--admin",
        "--password-stdin",
        stdin=serving.PASSWORD + "\n",
    )
    serving.run_cli(env, "ingest", *map(str, files))
    started = serving.start(env, storage_root / "serve.log")
    yield started
    started.stop()


_SHOTS: list[Path] = []


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where every state's screenshot goes: AUDIO_IDENT_SCREENSHOTS, else a new temp folder
    of its own (pytest's own temp folders are pruned by later runs)."""
    chosen = os.environ.get("AUDIO_IDENT_SCREENSHOTS")
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="audio-ident-screens-"))
    folder.mkdir(parents=True, exist_ok=True)
    _SHOTS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for folder in _SHOTS:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_line(f"browser tests: {count} screenshots in {folder}")


@pytest.fixture(params=[NARROW, WIDE], ids=["narrow", "wide"])
def viewport(request: pytest.FixtureRequest) -> Viewport:
    """Every browser test runs on a phone-sized and a desktop-sized page."""
    return request.param

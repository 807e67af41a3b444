"""The embedded Postgres of a data root, as processes come and go: a server nobody uses any
more is stopped (its users killed too), and the cluster of a deleted data root does not
pile up in the system-wide folder where root's clusters live."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from adapters.embedded_postgres.cluster import stop_server
from adapters.embedded_postgres.server import OWNER_SUFFIX, ROOT_FALLBACK

# A user of the embedded server: joins it, prints its URL, then stays until killed or leaves.
USER = """
import asyncio, sys, time
from pathlib import Path
from adapters.embedded_postgres.server import start_embedded_postgres
print(asyncio.run(start_embedded_postgres(Path(sys.argv[1]))), flush=True)
if sys.argv[2] == "stay":
    time.sleep(600)
"""


@contextlib.contextmanager
def user_of(data_dir: Path, stay: bool) -> Iterator[subprocess.Popen[str]]:
    """A process that joined `data_dir`'s embedded server (its URL read); killed at the end."""
    process = subprocess.Popen(
        [sys.executable, "-c", USER, str(data_dir), "stay" if stay else "leave"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("postgresql://"), "it did not join"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def postmaster(cluster: Path) -> psutil.Process:
    return psutil.Process(int((cluster / "postmaster.pid").read_text().split()[0]))


def running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def forget(cluster: Path) -> None:
    """What a test made: the server stopped; under ROOT_FALLBACK, the cluster removed."""
    with contextlib.suppress(Exception):
        stop_server(cluster)
    if cluster.parent == ROOT_FALLBACK:
        shutil.rmtree(cluster, ignore_errors=True)
        cluster.with_name(cluster.name + OWNER_SUFFIX).unlink(missing_ok=True)


def test_a_server_whose_last_user_was_killed_stops(tmp_path: Path) -> None:
    # pytest's folder is private (0700): run as root, the cluster goes to ROOT_FALLBACK.
    data_dir = tmp_path / "data" / "postgres"
    try:
        with user_of(data_dir, stay=True) as user:
            server = postmaster(data_dir.resolve())
            user.kill()  # no exit hook runs: pgserver alone kept the server up for good
        deadline = time.monotonic() + 20
        while running(server) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not running(server), "the server outlived its last user"
    finally:
        forget(data_dir.resolve())


@pytest.mark.skipif(os.geteuid() != 0, reason="only root's clusters live outside the data root")
def test_the_cluster_of_a_deleted_data_root_is_removed(tmp_path: Path) -> None:
    gone, kept = tmp_path / "gone", tmp_path / "kept"
    clusters: list[Path] = []
    # A cluster someone removed by hand (a test's own server), its owner file left behind.
    stray = ROOT_FALLBACK / f"0000{tmp_path.name[-12:]}{OWNER_SUFFIX}"
    stray.write_text(f"{tmp_path / 'removed' / 'postgres'}\n")
    try:
        with user_of(gone / "postgres", stay=False):
            clusters.append((gone / "postgres").resolve())
        assert clusters[0].parent == ROOT_FALLBACK
        shutil.rmtree(gone)  # the data root is deleted, its cluster is not reachable any more

        with user_of(kept / "postgres", stay=False):
            clusters.append((kept / "postgres").resolve())
        assert not clusters[0].exists(), "the deleted data root's cluster is still there"
        assert not clusters[0].with_name(clusters[0].name + OWNER_SUFFIX).exists()
        assert not stray.exists()
        assert clusters[1].is_dir()  # a data root that exists keeps its cluster
    finally:
        stray.unlink(missing_ok=True)
        for cluster in clusters:
            forget(cluster)

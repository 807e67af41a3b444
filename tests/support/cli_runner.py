"""Running the real `audio-ident` command as a child process in tests."""

from __future__ import annotations

import asyncio
import sys

CLI = [sys.executable, "-m", "entrypoints.cli.main"]


async def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `audio-ident ARGS...`."""
    process = await asyncio.create_subprocess_exec(
        *CLI, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode or 0, out.decode(), err.decode()

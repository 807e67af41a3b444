"""Running the real `audio-ident` command as a child process in tests."""

from __future__ import annotations

import asyncio
import sys

CLI = [sys.executable, "-m", "entrypoints.cli.main"]


async def run_cli(
    env: dict[str, str], *args: str, timeout: float = 120, stdin: bytes | None = None
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `audio-ident ARGS...`; `stdin`, when given, is piped
    in (so the command has no terminal there)."""
    return await _run([*CLI, *args], env, timeout, stdin)


async def run_cli_after(
    env: dict[str, str], prelude: str, *args: str, timeout: float = 120
) -> tuple[int, str, str]:
    """As run_cli, in a child that runs the Python `prelude` first (to plant a fault)."""
    program = (
        f"import sys\n{prelude}\n"
        "from entrypoints.cli.main import main\n"
        f"sys.exit(main({list(args)!r}))\n"
    )
    return await _run([sys.executable, "-c", program], env, timeout)


async def _run(
    argv: list[str], env: dict[str, str], timeout: float, stdin: bytes | None = None
) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        stdin=None if stdin is None else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(stdin), timeout)
    return process.returncode or 0, out.decode(), err.decode()

"""Running ffmpeg's tools as child processes and checking the installed version."""

from __future__ import annotations

import asyncio
import re
import shutil
from dataclasses import dataclass

MIN_FFMPEG_MAJOR = 5


@dataclass(frozen=True, slots=True)
class Completed:
    returncode: int
    stdout: bytes
    stderr: str


async def run_tool(*args: str) -> Completed:
    process = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await process.communicate()
    except BaseException:
        # Cancelled (a lane timeout, a client gone): communicate() reads neither pipe now.
        assert process.stdout is not None and process.stderr is not None
        await stop_process(process, process.stdout, process.stderr)
        raise
    return Completed(process.returncode or 0, stdout, stderr.decode(errors="replace"))


async def stop_process(process: asyncio.subprocess.Process, *unread: asyncio.StreamReader) -> None:
    """Kill a child that still runs, and reap it: a child left writing into a pipe no one
    reads would block forever, and so would the interpreter's exit.

    The pipes nobody reads any more (`unread`) are drained too: a read cancelled while its
    buffer was full left the pipe paused, so it never saw the end of file, and `wait()`
    (which waits for the pipes as well as the exit) never returned: a search cancelled
    mid-decode then hung until its deadline (issue 13: 504 after 20 s, not 422)."""
    if process.returncode is None:
        process.kill()
    await asyncio.shield(asyncio.gather(*(pipe.read() for pipe in unread), process.wait()))


def first_error_line(stderr: str, *inputs: str) -> str:
    """ffmpeg's last word on a failure, without the names of its `inputs`."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return without_inputs(lines[-1], *inputs) if lines else "no details from ffmpeg"


def without_inputs(line: str, *inputs: str) -> str:
    """ffmpeg starts its messages with the input's name ("/tmp/…/upload.mp3: Invalid
    argument"): an upload's is the server's spool path, which no error may show."""
    for name in sorted(filter(None, inputs), key=len, reverse=True):
        line = line.replace(f"{name}: ", "").replace(name, "the input")
    return line


class FfmpegUnusable(RuntimeError):
    """ffmpeg or ffprobe is missing or too old; the message says what to install."""


async def check_ffmpeg() -> str:
    """The ffmpeg version string; raises FfmpegUnusable when missing or older than 5."""
    for tool in ("ffmpeg", "ffprobe"):
        if shutil.which(tool) is None:
            raise FfmpegUnusable(
                f"{tool} not found on PATH: install ffmpeg {MIN_FFMPEG_MAJOR} or newer"
            )
    result = await run_tool("ffmpeg", "-hide_banner", "-version")
    match = re.search(r"ffmpeg version n?(\d+)\.(\d+)", result.stdout.decode(errors="replace"))
    if match is None:
        raise FfmpegUnusable("cannot tell the ffmpeg version from `ffmpeg -version`")
    if int(match.group(1)) < MIN_FFMPEG_MAJOR:
        raise FfmpegUnusable(
            f"ffmpeg {match.group(1)}.{match.group(2)} is too old: need 5 or newer"
        )
    return f"{match.group(1)}.{match.group(2)}"

"""Uploaded files as real paths on disk, for ffmpeg.

Litestar streams multipart bodies under the route's `request_max_body_size` (a 413 as soon
as the stream passes it) and spools each file to a temporary file past 1 MB, so no upload
is held in memory. ffmpeg needs a seekable path (MP4 with its index at the end), so the
spooled file is copied into a private temporary directory under a plain name; the
directory's name carries this process's id, so one left by a killed process is removed at
the next start (`remove_stale_spools`). A full disk gives `StorageFull` (507).
"""

from __future__ import annotations

import asyncio
import errno
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

import psutil
from litestar.datastructures import UploadFile

from domain.errors import StorageFull

_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")
_PREFIX = "audio-ident-upload-"
MAX_NAME_LENGTH = 255


def original_name(upload: UploadFile) -> str:
    """The client's file name without any directory part (some browsers send one) or
    control characters (a NUL cannot even be stored in Postgres text)."""
    name = PureWindowsPath(PurePosixPath(upload.filename or "").name).name
    name = _UNPRINTABLE.sub("", name).strip()
    return name[-MAX_NAME_LENGTH:] if name not in ("", ".", "..") else "upload"


@asynccontextmanager
async def on_disk(upload: UploadFile) -> AsyncIterator[Path]:
    """A path holding the upload's bytes, removed on exit; the suffix is the client's."""
    suffix = PurePosixPath(original_name(upload)).suffix.lower()
    folder: Path | None = None
    try:
        folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix=f"{_PREFIX}{os.getpid()}-"))
        path = folder / ("upload" + (suffix if _SUFFIX.fullmatch(suffix) else ""))
        await asyncio.to_thread(_copy, upload, path)
    except OSError as error:
        await upload.close()
        if folder is not None:
            await asyncio.to_thread(shutil.rmtree, folder, True)
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull("no disk space left to receive the upload") from error
        raise
    try:
        yield path
    finally:
        await upload.close()
        await asyncio.to_thread(shutil.rmtree, folder, True)


def remove_stale_spools() -> int:
    """Remove upload folders left by processes that no longer run; returns how many."""
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{_PREFIX}*"):
        owner = folder.name.removeprefix(_PREFIX).split("-", 1)[0]
        if owner.isdigit() and not psutil.pid_exists(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _copy(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as target:
        shutil.copyfileobj(upload.file, target, 1 << 20)

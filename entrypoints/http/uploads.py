"""Uploaded files as real paths on disk, for ffmpeg.

Litestar streams multipart bodies under the route's `request_max_body_size` (a 413 as soon
as the stream passes it) and spools each file to a temporary file past 1 MB, so no upload
is held in memory. ffmpeg needs a seekable path (MP4 with its index at the end), so the
spooled file is copied into a private temporary directory under a plain name.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath, PureWindowsPath

from litestar.datastructures import UploadFile

_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def original_name(upload: UploadFile) -> str:
    """The client's file name without any directory part (some browsers send one)."""
    name = PureWindowsPath(PurePosixPath(upload.filename or "").name).name
    return name.strip() or "upload"


@asynccontextmanager
async def on_disk(upload: UploadFile) -> AsyncIterator[Path]:
    """A path holding the upload's bytes, removed on exit; the suffix is the client's."""
    suffix = PurePosixPath(original_name(upload)).suffix.lower()
    folder = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="audio-ident-upload-"))
    path = folder / ("upload" + (suffix if _SUFFIX.fullmatch(suffix) else ""))
    try:
        await asyncio.to_thread(_copy, upload, path)
        yield path
    finally:
        await upload.close()
        await asyncio.to_thread(shutil.rmtree, folder, True)


def _copy(upload: UploadFile, path: Path) -> None:
    upload.file.seek(0)
    with path.open("wb") as target:
        shutil.copyfileobj(upload.file, target, 1 << 20)

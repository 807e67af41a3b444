from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import re
import tempfile
from pathlib import Path

from domain.errors import StorageFull

_KEY = re.compile(r"[0-9a-f]{64}")


class FilesystemPrintStore:
    """Prints under `folder/<aa>/<sha256>`, written via a temp file + rename (atomic on a
    shared folder too, so a node never reads half a blob)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    async def put(self, content: bytes) -> str:
        key = hashlib.sha256(content).hexdigest()
        await asyncio.to_thread(self._write, self._path(key), content)
        return key

    def _write(self, target: Path, content: bytes) -> None:
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        except OSError as error:
            raise _storage_error(error) from error
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
            os.replace(temporary, target)
        except OSError as error:
            raise _storage_error(error) from error
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError) as error:
            raise FileNotFoundError(f"no stored prints under key {key!r}") from error

    async def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self._path(key).unlink)

    def _path(self, key: str) -> Path:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a prints key: {key!r}")
        return self._folder / key[:2] / key


def _storage_error(error: OSError) -> Exception:
    """A full disk is the service's state, said as such; the rest stays an OSError."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull("no disk space left to store a track's prints")
    return error

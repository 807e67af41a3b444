from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

import psutil

from domain.errors import ErrorCode, InvalidAudio, StorageFull
from domain.library.source_file import SourceFile

_CHUNK = 1 << 20
_FAN_OUT = re.compile(r"[0-9a-f]{2}")
_INCOMING = ".incoming-"
_HOST = socket.gethostname().replace("-", "_").replace("/", "_") or "localhost"


class FilesystemAudioStorage:
    """Files under `root/blobs/<aa>/<sha256><suffix>`, written via a temp file + rename.

    `blobs` puts them in another folder instead: one every serving node mounts (NFS, a
    shared volume), since any node may ingest and every node's projections read them. The
    rename is atomic on a shared file system too, so a node never reads half a file.
    """

    def __init__(self, root: Path, blobs: Path | None = None) -> None:
        self._blobs = root / "blobs" if blobs is None else blobs

    async def inspect(self, source: Path) -> SourceFile:
        return await asyncio.to_thread(self._inspect, source)

    def _inspect(self, source: Path) -> SourceFile:
        digest = hashlib.sha256()
        size = 0
        try:
            with source.open("rb") as handle:
                while block := handle.read(_CHUNK):
                    digest.update(block)
                    size += len(block)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise InvalidAudio(ErrorCode.UNREADABLE_FILE, f"cannot read file: {reason}") from exc
        return SourceFile(size, digest.hexdigest())

    async def put(self, source: Path, sha256: str, suffix: str) -> str:
        key = f"{sha256[:2]}/{sha256}{suffix.lower()}"
        await asyncio.to_thread(self._copy_in, source, self._blobs / key)
        return key

    def _copy_in(self, source: Path, target: Path) -> None:
        if target.exists():
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _storage_error(error) from error
        try:
            # Whose copy it is (process and machine: the folder may be shared), for stored_keys()
            prefix = f"{_INCOMING}{os.getpid()}@{_HOST}-"
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix)
        except OSError as error:
            raise _storage_error(error) from error
        os.close(handle)
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, target)  # atomic: readers never see half a file
        except OSError as error:
            raise _storage_error(error) from error
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)

    async def local_path(self, key: str) -> Path:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(f"no stored audio under key {key!r}")
        return path

    async def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self._path(key).unlink)

    async def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    async def stored_keys(self) -> list[str]:
        return await asyncio.to_thread(self._stored_keys)

    def _stored_keys(self) -> list[str]:
        keys = []
        for path in sorted(self._blobs.glob("*/*")) if self._blobs.is_dir() else []:
            if not _FAN_OUT.fullmatch(path.parent.name):
                continue  # not a stored original's folder (the tracks' stored prints)
            if not path.name.startswith(_INCOMING):
                keys.append(f"{path.parent.name}/{path.name}")
                continue
            if _abandoned(path.name):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()  # a copy its killed process never finished
        return keys

    def _path(self, key: str) -> Path:
        path = (self._blobs / key).resolve()
        if self._blobs.resolve() not in path.parents:
            raise ValueError(f"storage key escapes the storage root: {key!r}")
        return path


def _abandoned(name: str) -> bool:
    """A copy in progress whose process, on this machine, is gone. Another machine's copies
    in a shared folder are left to that machine (its pids mean nothing here)."""
    owner = name.removeprefix(_INCOMING).rsplit("-", 1)[0]  # mkstemp's suffix has no "-"
    pid, _, host = owner.partition("@")
    mine = host in ("", _HOST)  # no host: written before copies named their machine
    return mine and pid.isdigit() and not psutil.pid_exists(int(pid))


def _storage_error(error: OSError) -> Exception:
    """A full disk or quota is the service's state, said as such; the rest stays an OSError."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull("no disk space left to store the original")
    return error

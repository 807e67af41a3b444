"""Removing a stored original that no track row owns any more."""

from __future__ import annotations

from domain.ports.audio_storage import AudioStorage
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


async def delete_unowned_blob(
    uow: UnitOfWorkFactory, storage: AudioStorage, key: str, sha256: str
) -> None:
    """Delete `key` unless a committed track with that content still uses it.

    Done under the catalogue lock: an ingest of the same content checks, under that lock,
    that its blob still exists before committing, so no row is ever left without its file.
    """
    async with uow() as unit:
        await unit.tracks.lock_catalog()
        if await unit.tracks.get_by_sha256(sha256) is None:
            await storage.delete(key)

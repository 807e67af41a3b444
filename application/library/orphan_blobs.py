"""Removing a stored original that no track row owns any more."""

from __future__ import annotations

from domain.ports.audio_storage import AudioStorage
from domain.ports.unit_of_work_factory import UnitOfWorkFactory


class SweepOrphanBlobs:
    """Remove stored originals no track row owns: what a process killed between storing
    a file and committing its row left behind (run at `serve` start). Under the catalogue
    lock, like every deletion: an ingest that stored its blob but has not committed yet
    checks under that lock that the blob still exists, and stores it again if not."""

    def __init__(self, uow: UnitOfWorkFactory, storage: AudioStorage) -> None:
        self._uow, self._storage = uow, storage

    async def __call__(self) -> list[str]:
        """The keys removed."""
        async with self._uow() as unit:
            await unit.tracks.lock_catalog()
            owned = {key.storage_key for key in (await unit.tracks.keys()).values()}
            orphans = [k for k in await self._storage.stored_keys() if k not in owned]
            for key in orphans:
                await self._storage.delete(key)
        return orphans


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

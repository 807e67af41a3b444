"""LMDB map full: the fingerprint index grows its map, or, at its maximum, fails with a
clear reason, and the projector parks nothing that a bigger map would have taken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.filesystem.generations import current_directory
from adapters.lmdb_index.environment import close_environment, open_environment
from adapters.lmdb_index.fingerprint_index import LmdbFingerprintIndex
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from application.library.ingest_file import IngestFile
from application.projections.projector import StoreUnavailable
from application.projections.verify_projections import VerifyProjections
from domain.errors import IndexFull
from domain.projections.nodes import NodeProjections, ProjectionKey
from tests.support.exact_stack import ExactStack, exact_stack
from tests.support.small_disk import fill, small_disk

FINGERPRINT = ProjectionKey("fingerprint")

SMALL_MAP = 64 * 1024  # a few tracks' worth of landmarks


@pytest.fixture
def stack(
    engine: AsyncEngine, ingest: IngestFile, storage_root: Path, audio_dir: Path
) -> Iterator[ExactStack]:
    yield exact_stack(PostgresUnitOfWorkFactory(engine), ingest, storage_root, audio_dir)
    close_environment(storage_root / "lmdb")


async def test_a_full_map_grows_and_nothing_is_parked(
    stack: ExactStack, storage_root: Path
) -> None:
    path = storage_root / "lmdb"
    projector = stack.on(LmdbFingerprintIndex(path, map_size=SMALL_MAP))
    await stack.add_tracks(range(60, 64))
    assert await projector.catch_up() == 4
    async with stack.uow() as uow:
        assert await uow.parked.list() == []
    assert open_environment(path, readonly=False).info()["map_size"] > SMALL_MAP
    assert (
        await VerifyProjections(stack.uow, {"fingerprint": stack.index}, NodeProjections())()
    ).clean
    assert [a for a in await stack.answers(range(60, 64)) if a is None] == []


async def test_at_its_maximum_the_index_fails_clearly_and_parks_nothing(
    stack: ExactStack, storage_root: Path
) -> None:
    path = storage_root / "lmdb"
    capped = LmdbFingerprintIndex(path, map_size=SMALL_MAP, max_map_size=SMALL_MAP)
    projector = stack.on(capped)
    await stack.add_tracks(range(70, 74))
    with pytest.raises(StoreUnavailable, match="the fingerprint index is full"):
        await projector.catch_up()
    async with stack.uow() as uow:
        assert await uow.parked.list() == []  # a bigger map would take them: none parked
        assert await uow.checkpoints.get(FINGERPRINT) < 4
    with pytest.raises(Exception, match="full"):
        await capped.check()

    # A bigger map: the same events go in, from the checkpoint.
    projector = stack.on(LmdbFingerprintIndex(path, map_size=SMALL_MAP))
    assert await projector.catch_up() >= 1
    async with stack.uow() as uow:
        assert await uow.parked.list() == []
        assert await uow.checkpoints.get(FINGERPRINT) == 4
    assert (
        await VerifyProjections(stack.uow, {"fingerprint": stack.index}, NodeProjections())()
    ).clean


async def test_on_a_full_disk_the_index_refuses_with_a_reason_and_parks_nothing(
    stack: ExactStack, tmp_path: Path
) -> None:
    """A commit past a full tmpfs fails with a bare EIO (and the lock file is mapped), so
    the room is checked first: the write is refused, with how much is missing."""
    with small_disk(tmp_path / "disk", 16) as disk:
        index = LmdbFingerprintIndex(disk / "lmdb")
        projector = stack.on(index)
        await stack.add_tracks([80])
        assert await projector.catch_up() == 1
        fill(disk, 200_000)
        await stack.add_tracks([81, 82])
        with pytest.raises(StoreUnavailable, match=r"disk has .* MB free"):
            await projector.catch_up()
        async with stack.uow() as uow:
            assert await uow.parked.list() == []  # a bigger disk would take them
            assert await uow.checkpoints.get(FINGERPRINT) == 1
        with pytest.raises(IndexFull, match="free some space"):
            await index.check()

        (disk / "filler").unlink()  # room again: the same events go in
        assert await projector.catch_up() == 2
        async with stack.uow() as uow:
            assert await uow.parked.list() == []
        assert (
            await VerifyProjections(stack.uow, {"fingerprint": index}, NodeProjections())()
        ).clean
        close_environment(current_directory(disk / "lmdb"))

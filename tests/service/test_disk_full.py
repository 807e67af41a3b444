"""A full disk while spooling an upload and while storing an original: 507 STORAGE_FULL,
no partial file, no track row. The disk is a small tmpfs (needs root to mount it)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.http_app import Client, error_of
from tests.support.media import track_file, upload
from tests.support.small_disk import fill
from tests.support.small_disk import small_disk as mounted


def _files(disk: Path) -> list[str]:
    return sorted(str(p.relative_to(disk)) for p in disk.rglob("*") if p.is_file())


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted(tmp_path / "small-disk", 8) as disk:
        yield disk


@pytest.fixture
def settings_env(small_disk: Path, tmp_path: Path) -> dict[str, str]:
    """The originals on the small disk; the indexes stay off it (their full disks are
    tests/integration/test_lmdb_map_full.py's and tests/integration/test_qdrant_edge.py's)."""
    root = tmp_path / "storage"
    root.mkdir()
    (small_disk / "blobs").mkdir()
    (root / "blobs").symlink_to(small_disk / "blobs")
    return {"AUDIO_STORAGE_ROOT": str(root)}


async def _track_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM tracks"))).scalar_one())


async def test_storing_an_original_on_a_full_disk(
    client: Client, admin: dict[str, str], small_disk: Path, engine: AsyncEngine, audio_dir: Path
) -> None:
    path = track_file(audio_dir, 31, "song.wav", seconds=20)  # 640 kB
    fill(small_disk, 200_000)
    before = _files(small_disk)
    response = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    assert response.status_code == 507, response.text
    assert error_of(response)["code"] == "STORAGE_FULL"
    assert _files(small_disk) == before  # no blob, no half-written temporary file
    assert await _track_rows(engine) == 0
    (small_disk / "filler").unlink()  # room again: the same upload now goes in
    again = await client.post("/api/v1/ingest", files=[upload(path, "files")], headers=admin)
    assert again.status_code == 201, again.text


async def test_spooling_an_upload_on_a_full_disk(
    client: Client,
    admin: dict[str, str],
    small_disk: Path,
    engine: AsyncEngine,
    audio_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spool = small_disk / "spool"
    spool.mkdir()
    path = track_file(audio_dir, 32, "clip.wav", seconds=60)  # 1.9 MB: spooled past 1 MB
    fill(small_disk, 600_000)
    monkeypatch.setattr(tempfile, "tempdir", str(spool))  # where uploads are spooled
    for route, field, headers in (
        ("/api/v1/search", "audio", {}),
        ("/api/v1/ingest", "files", admin),
    ):
        response = await client.post(route, files=[upload(path, field)], headers=headers)
        assert response.status_code == 507, (route, response.text)
        assert error_of(response)["code"] == "STORAGE_FULL"
        assert list(spool.iterdir()) == [], route  # no spool file left behind
    assert await _track_rows(engine) == 0

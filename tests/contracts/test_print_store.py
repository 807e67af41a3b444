"""Contract of PrintStore: in-memory twin and the filesystem adapter."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from adapters.filesystem.print_store import FilesystemPrintStore
from adapters.memory.print_store import InMemoryPrintStore
from domain.ports.print_store import PrintStore


@pytest.fixture(params=["memory", "filesystem"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PrintStore:
    if request.param == "memory":
        return InMemoryPrintStore()
    return FilesystemPrintStore(tmp_path / "prints")


async def test_put_keys_by_content_and_reads_back(store: PrintStore) -> None:
    key = await store.put(b"landmarks")
    assert key == hashlib.sha256(b"landmarks").hexdigest()
    assert await store.put(b"landmarks") == key  # idempotent
    assert await store.get(key) == b"landmarks"
    assert await store.put(b"other") != key


async def test_missing_and_deleted_keys_are_not_found(store: PrintStore) -> None:
    key = await store.put(b"landmarks")
    await store.delete(key)
    await store.delete(key)  # deleting twice is fine
    with pytest.raises(FileNotFoundError):
        await store.get(key)
    with pytest.raises(FileNotFoundError):
        await store.get("0" * 64)


async def test_a_key_not_of_the_store_is_refused(store: PrintStore) -> None:
    for key in ("../../etc/passwd", "ab", "A" * 64, ""):
        with pytest.raises(ValueError, match="not a prints key"):
            await store.get(key)


async def test_filesystem_store_is_shared_through_its_folder(tmp_path: Path) -> None:
    # Two nodes mounting the one folder: what one stores, the other reads.
    key = await FilesystemPrintStore(tmp_path / "shared").put(b"landmarks")
    assert await FilesystemPrintStore(tmp_path / "shared").get(key) == b"landmarks"
    assert not list((tmp_path / "shared").glob("*/.incoming-*"))

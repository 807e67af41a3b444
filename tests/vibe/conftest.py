from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from qdrant_client import AsyncQdrantClient

from adapters.clap.embedder import ClapEmbedder
from adapters.clap.loader import load_embedder
from adapters.memory.vector_index import InMemoryVectorIndex
from adapters.qdrant_edge.vector_index import QdrantEdgeIndex
from adapters.qdrant_server.vector_index import QdrantServerIndex
from domain.ports.vector_index import VectorIndex

from .tiny_clap import build_tiny_clap


@pytest.fixture(scope="session")
def tiny_clap_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_clap(tmp_path_factory.mktemp("tiny-clap"))


@pytest.fixture(scope="session")
def clap(tiny_clap_dir: Path) -> ClapEmbedder:
    embedder = load_embedder(str(tiny_clap_dir), threads=1, device="cpu", precision="float32")
    assert embedder is not None
    return embedder


@pytest.fixture(params=["memory", "qdrant-server", "qdrant-edge"])
async def index(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[VectorIndex]:
    if request.param == "memory":
        yield InMemoryVectorIndex()
    elif request.param == "qdrant-server":
        server = QdrantServerIndex(AsyncQdrantClient(location=":memory:"))
        yield server
        await server.close()
    else:
        edge = QdrantEdgeIndex(tmp_path / "qdrant")
        yield edge
        await edge.close()

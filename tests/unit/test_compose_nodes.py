"""The multi-node compose file as README describes it: every serve node its own NODE_ID and
data volume, one shared volume of stored audio, one database and one JWT secret."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_each_node_has_its_own_index_and_shares_the_audio() -> None:
    stack = yaml.safe_load((ROOT / "docker-compose.nodes.yml").read_text())
    nodes = {name: s for name, s in stack["services"].items() if name.startswith("node-")}
    assert len(nodes) >= 2
    ids = [node["environment"]["NODE_ID"] for node in nodes.values()]
    data = [v for node in nodes.values() for v in node["volumes"] if v.endswith(":/data")]
    assert len(set(ids)) == len(ids) == len(set(data))
    for node in nodes.values():
        env = node["environment"]
        assert "audio-files:/audio-files" in node["volumes"]
        assert env["AUDIO_FILES_PATH"] == "/audio-files"
        assert env["DATABASE_URL"].endswith("@postgres:5432/audio_ident")
        assert env["JWT_SECRET"].startswith("${JWT_SECRET:?")
    masters_and_replicas = [
        n for n in stack["services"] if n.startswith("redis-") and n[-1].isdigit()
    ]
    assert len(masters_and_replicas) == 6

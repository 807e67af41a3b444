"""Serving nodes: which copy of a projection a checkpoint, lock or parked event belongs to.

Every node (a `serve` with its own fingerprint index) follows the one event log into its
own copy of a projection, so each copy keeps its own checkpoint, lock, parked events,
receipts and replay requests, keyed by (projection, node). A projection whose store every
node shares (a Redis Cluster index, a Qdrant server) is one copy for the whole deployment,
kept under `DEFAULT_NODE`: the node a single install is, so neither kind of install lost its
checkpoints when nodes came.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

DEFAULT_NODE = "main"
NODE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")


@dataclass(frozen=True, slots=True, order=True)
class ProjectionKey:
    """One copy of a projection: its name and the node that keeps it."""

    name: str
    node: str = DEFAULT_NODE

    def __str__(self) -> str:
        return f"{self.name}@{self.node}"


@dataclass(frozen=True, slots=True)
class NodeProjections:
    """This node's copies: `shared` names the projections whose store every node shares."""

    node: str = DEFAULT_NODE
    shared: frozenset[str] = frozenset()

    @classmethod
    def of(cls, node: str, shared: Collection[str] = ()) -> NodeProjections:
        return cls(node, frozenset(shared))

    def key(self, name: str) -> ProjectionKey:
        """The copy of `name` this node applies events to (and answers searches from)."""
        return ProjectionKey(name, DEFAULT_NODE if name in self.shared else self.node)

    def owns(self, key: ProjectionKey) -> bool:
        return self.key(key.name) == key

"""Which copies of a projection a command can work on itself, and which other nodes do."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from domain.ports.projection_lock import ProjectionLock
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.nodes import NodeProjections, ProjectionKey


@dataclass(frozen=True, slots=True)
class Reach:
    """`here`: names of this node's copies (this process applies them, or waits on the
    process of this node that does); `elsewhere`: other nodes' copies whose node runs now;
    `idle`: other nodes' copies whose node does not run (a request waits for its start)."""

    here: frozenset[str]
    elsewhere: frozenset[ProjectionKey]
    idle: frozenset[ProjectionKey]


class NodeReach:
    """Commands (`outbox replay`, `outbox retry`) reach every node through the log's
    database: they leave a request there and the node's own process carries it out. This
    says whose copies those are and whether their node is running (it holds their lock)."""

    def __init__(self, uow: UnitOfWorkFactory, lock: ProjectionLock, nodes: NodeProjections):
        self._uow, self._lock, self.nodes = uow, lock, nodes

    async def keys(self, names: Iterable[str], nodes: Collection[str] | None) -> set[ProjectionKey]:
        """The copies of `names` on `nodes` (None: this node only; empty: every node that
        saved a checkpoint of one of them, or this one when none has). A shared projection
        has one copy whatever the node."""
        names = set(names)
        if nodes is None:
            return {self.nodes.key(name) for name in names}
        async with self._uow() as uow:
            saved = await uow.checkpoints.all()
        # Not this node unless it is one: a command run elsewhere must not start a copy.
        chosen = set(nodes) or {k.node for k in saved if k.name in names} or {self.nodes.node}
        return {
            self.nodes.key(name) if name in self.nodes.shared else ProjectionKey(name, node)
            for name in names
            for node in chosen
        }

    async def split(self, keys: Iterable[ProjectionKey]) -> Reach:
        here, elsewhere, idle = set[str](), set[ProjectionKey](), set[ProjectionKey]()
        for key in keys:
            if self.nodes.owns(key):
                here.add(key.name)
            elif await self._lock.held_anywhere(key):
                elsewhere.add(key)
            else:
                idle.add(key)
        return Reach(frozenset(here), frozenset(elsewhere), frozenset(idle))

    async def running(self, key: ProjectionKey) -> bool:
        return self.nodes.owns(key) or await self._lock.held_anywhere(key)

"""Use case: catch projections up with the log, or rebuild them from scratch, on any node."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field

from application.projections.drive_projections import DriveProjections
from application.projections.node_reach import NodeReach
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.nodes import ProjectionKey
from domain.projections.records import ReplayRequest

# (the copy, events replayed so far, events to replay)
RebuildProgressed = Callable[[ProjectionKey, int, int], None]


@dataclass(frozen=True, slots=True)
class CaughtUp:
    target: int  # the log's head when asked
    idle: list[ProjectionKey] = field(default_factory=list[ProjectionKey])  # nodes not running


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """Each rebuild as it finished (with its error, if it failed), and those queued for a
    node that is not running: it carries them out when it starts."""

    finished: dict[ProjectionKey, ReplayRequest]
    queued: list[ProjectionKey] = field(default_factory=list[ProjectionKey])


class RequestReplay:
    """`catch_up` applies what is new; `from_scratch` rebuilds into fresh stores.

    A rebuild is a request in the log's database: the process that owns the copy (a worker
    or `serve` of its node, or this one if it is this node's and none runs) carries it out
    and swaps the new store in atomically, so searches keep answering meanwhile. Both wait
    until the work is done on every node asked for that runs; `nodes` None means this node
    only, empty means every node.
    """

    def __init__(self, uow: UnitOfWorkFactory, drive: DriveProjections, reach: NodeReach) -> None:
        self._uow, self._drive, self._reach = uow, drive, reach

    @property
    def runnable(self) -> list[str]:
        """The projections this process can run (no embedding one without a model)."""
        return self._drive.runnable

    async def catch_up(
        self, names: Collection[str] | None = None, nodes: Collection[str] | None = None
    ) -> CaughtUp:
        """Every copy of `names` (default: all this process can run) applies the log up to
        its head at the call."""
        wanted = await self._reach.keys(self._drive.runnable if names is None else names, nodes)
        reach = await self._reach.split(wanted)
        async with self._uow() as uow:
            target = await uow.events.head()
        followed = wanted - reach.idle

        async def caught_up() -> bool:
            async with self._uow() as uow:
                behind = [k for k in followed if await uow.checkpoints.get(k) < target]
            return all([not await self._reach.running(key) for key in behind])

        await self._drive.until(caught_up, only=reach.here)
        return CaughtUp(target, sorted(reach.idle))

    async def from_scratch(
        self,
        names: Collection[str],
        nodes: Collection[str] | None = None,
        progressed: RebuildProgressed | None = None,
    ) -> Rebuilt:
        """Rebuild each copy of `names` on `nodes`."""
        wanted = await self._reach.keys(names, nodes)
        async with self._uow() as uow:
            requests = {key: await uow.replays.request(key) for key in sorted(wanted)}
            await uow.commit()
        reach = await self._reach.split(wanted)
        await self._drive.until(self._finished(requests, progressed), only=reach.here)
        states = await self._states(requests)
        queued = sorted(key for key, state in states.items() if not state.done)
        return Rebuilt({k: s for k, s in states.items() if s.done}, queued)

    def _finished(
        self, requests: dict[ProjectionKey, int], progressed: RebuildProgressed | None
    ) -> Callable[[], Awaitable[bool]]:
        async def finished() -> bool:
            states = await self._states(requests)
            if progressed is not None:
                for key, state in states.items():
                    if state.target_position:
                        progressed(key, state.progress_position, state.target_position)
            # A copy whose node is not running (or stopped meanwhile) keeps its request.
            waiting = [key for key, state in states.items() if not state.done]
            return all([not await self._reach.running(key) for key in waiting])

        return finished

    async def _states(
        self, requests: dict[ProjectionKey, int]
    ) -> dict[ProjectionKey, ReplayRequest]:
        async with self._uow() as uow:
            found = {key: await uow.replays.get(i) for key, i in requests.items()}
        return {key: state for key, state in found.items() if state is not None}

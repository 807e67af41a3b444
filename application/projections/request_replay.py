"""Use case: catch projections up with the log, or rebuild them from scratch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection

from application.projections.drive_projections import DriveProjections
from domain.ports.unit_of_work_factory import UnitOfWorkFactory
from domain.projections.records import ReplayRequest

# (projection, events replayed so far, events to replay)
RebuildProgressed = Callable[[str, int, int], None]


class RequestReplay:
    """`catch_up` applies what is new; `from_scratch` rebuilds into fresh stores.

    A rebuild is a request in the log's database: the process that owns the projection (a
    worker, `serve`, or this one if none runs) carries it out and swaps the new store in
    atomically, so searches keep answering meanwhile. Both wait until the work is done.
    """

    def __init__(self, uow: UnitOfWorkFactory, drive: DriveProjections) -> None:
        self._uow, self._drive = uow, drive

    @property
    def runnable(self) -> list[str]:
        """The projections this process can run (no embedding one without a model)."""
        return self._drive.runnable

    async def catch_up(self, names: Collection[str] | None = None) -> int:
        """Every projection in `names` (default: all this process can run) applies the log
        up to its head at the call; returns that position."""
        wanted = list(self._drive.runnable if names is None else names)
        async with self._uow() as uow:
            target = await uow.events.head()

        async def caught_up() -> bool:
            async with self._uow() as uow:
                return all([await uow.checkpoints.get(n) >= target for n in wanted])

        await self._drive.until(caught_up, only=wanted)
        return target

    async def from_scratch(
        self, names: Collection[str], progressed: RebuildProgressed | None = None
    ) -> dict[str, ReplayRequest]:
        """Rebuild each projection in `names`; returns each request as it finished (with
        its error, if the rebuild failed)."""
        async with self._uow() as uow:
            requests = {name: await uow.replays.request(name) for name in sorted(names)}
            await uow.commit()
        await self._drive.until(self._finished(requests, progressed), only=set(names))
        return await self._states(requests)

    def _finished(
        self, requests: dict[str, int], progressed: RebuildProgressed | None
    ) -> Callable[[], Awaitable[bool]]:
        async def finished() -> bool:
            states = await self._states(requests)
            if progressed is not None:
                for name, state in states.items():
                    if state.target_position:
                        progressed(name, state.progress_position, state.target_position)
            return all(state.done for state in states.values())

        return finished

    async def _states(self, requests: dict[str, int]) -> dict[str, ReplayRequest]:
        async with self._uow() as uow:
            found = {name: await uow.replays.get(i) for name, i in requests.items()}
        return {name: state for name, state in found.items() if state is not None}

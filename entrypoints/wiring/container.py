"""Assembling the providers into one container, for `serve` and for each CLI command."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from dishka import AsyncContainer, Provider, make_async_container

from entrypoints.settings import Settings
from entrypoints.wiring.accounts import AccountsProvider
from entrypoints.wiring.config import ConfigProvider
from entrypoints.wiring.database import DatabaseProvider
from entrypoints.wiring.lanes import LanesProvider
from entrypoints.wiring.media import MediaProvider
from entrypoints.wiring.projections import ProjectionsProvider
from entrypoints.wiring.role import ProcessRole
from entrypoints.wiring.use_cases import LaneSearchProvider, UseCasesProvider


def real_adapters() -> list[Provider]:
    """Every port's production adapter; tests pass in-memory twins (or overrides) instead."""
    return [DatabaseProvider(), MediaProvider(), AccountsProvider(), LanesProvider()]


def make_container(
    settings: Settings,
    role: ProcessRole,
    adapters: Sequence[Provider] | None = None,
    *extra: Provider,
    context: dict[object, object] | None = None,
) -> AsyncContainer:
    """Config, adapters, the assembly of projections and the use cases. Providers in
    `extra` come last and so override what the others provide (entrypoint-specific
    objects, or a test's replacement for one adapter)."""
    return make_async_container(
        ConfigProvider(),
        *(real_adapters() if adapters is None else adapters),
        ProjectionsProvider(),
        LaneSearchProvider(),
        UseCasesProvider(),
        *extra,
        context={Settings: settings, ProcessRole: role, **(context or {})},
    )


@asynccontextmanager
async def command_scope(settings: Settings, role: ProcessRole) -> AsyncIterator[AsyncContainer]:
    """One CLI command's container: its use cases come from the request scope inside it;
    every store it opened is closed when the block ends."""
    container = make_container(settings, role)
    try:
        async with container() as scope:
            yield scope
    finally:
        await container.close()

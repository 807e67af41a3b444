"""Route guards: who may call, checked before the request body is read.

Litestar runs guards before it parses the body, so an anonymous 200 MB ingest upload is
refused with 401 at once instead of being spooled to disk first, and a refused search's
upload is dropped as it is read instead of spooled.
"""

from __future__ import annotations

from typing import Any

from dishka import AsyncContainer
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from application.capacity.admission import CpuAdmission
from entrypoints.http.access import Access
from entrypoints.http.unread_body import discard_body


async def _access(connection: ASGIConnection[Any, Any, Any, Any]) -> Access:
    container: AsyncContainer = connection.state.dishka_container
    return await container.get(Access)


async def readers(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Anyone, or signed-in users only with REQUIRE_USER_TOKEN."""
    await (await _access(connection)).reader()


async def cpu_capacity(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """503 OVERLOADED when the CPU queue is full, or a newcomer would take the place of a
    refused client due back: the upload is read and dropped first (never spooled), so the
    client reads the answer and its Retry-After."""
    container: AsyncContainer = connection.state.dishka_container
    admission = await container.get(CpuAdmission)
    if not admission.admits_arrival():
        await discard_body(connection)
        await admission.refuse()


async def admins(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    await (await _access(connection)).admin()

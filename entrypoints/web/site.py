"""The web app's files under `/`, same origin as the API; nothing is fetched from elsewhere.

Pages route with the URL fragment (`#/library`), so the server only ever serves files: `/`
is index.html, everything else a file under `assets/` or the API's own 404 envelope.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router, head
from litestar.datastructures import CacheControlHeader
from litestar.response.file import ASGIFileResponse
from litestar.static_files import create_static_files_router

ASSETS = Path(__file__).parent / "assets"
_REVALIDATED = CacheControlHeader(no_cache=True)
_NO_CACHE = {_REVALIDATED.HEADER_NAME: _REVALIDATED.to_header()}


def web_app_router() -> Router:
    router = create_static_files_router(
        path="/",
        directories=[ASSETS],
        html_mode=True,
        name="web_app",
        include_in_schema=False,
        # Revalidated on each load (ETag), so an upgraded server never runs stale modules.
        cache_control=_REVALIDATED,
    )
    router.register(_head_of_the_page)
    return router


@head("/", name="web_app/index/head", include_in_schema=False)
async def _head_of_the_page() -> ASGIFileResponse:
    """HEAD / (a monitor's or a proxy's check): Litestar serves HEAD for every file but
    the page at the root itself, which would answer 405."""
    return ASGIFileResponse(
        file_path=ASSETS / "index.html",
        filename="index.html",
        content_disposition_type="inline",
        is_head_response=True,
        headers={"content-type": "text/html; charset=utf-8", **_NO_CACHE},
    )

"""The web app's files under `/`, same origin as the API; nothing is fetched from elsewhere.

Pages route with the URL fragment (`#/library`), so the server only ever serves files: `/`
is index.html, everything else a file under `assets/` or the API's own 404 envelope.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

ASSETS = Path(__file__).parent / "assets"


def web_app_router() -> Router:
    return create_static_files_router(
        path="/",
        directories=[ASSETS],
        html_mode=True,
        name="web_app",
        include_in_schema=False,
        # Revalidated on each load (ETag), so an upgraded server never runs stale modules.
        cache_control=CacheControlHeader(no_cache=True),
    )

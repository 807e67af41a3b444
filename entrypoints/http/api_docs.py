"""The API's interactive docs at /schema, with Swagger UI's files served from the installed
package (swagger-ui-bundle): the page works without internet access, like the web app."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

ASSETS_PATH = "/api-docs-assets"


def swagger_plugin() -> SwaggerRenderPlugin:
    """Swagger UI at /schema (and /schema/swagger), its scripts and styles from this server."""
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        path=["/", "/swagger"],
        favicon="<link rel='icon' type='image/svg+xml' href='/icon.svg'>",  # the web app's
    )


def docs_assets_router() -> Router:
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[Path(str(swagger_ui_path))],
        name="api_docs_assets",
        include_in_schema=False,
    )

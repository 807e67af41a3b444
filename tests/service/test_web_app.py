"""The web app's files as the server ships them: same origin, nothing fetched elsewhere."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from domain.errors import ErrorCode
from entrypoints.web.site import ASSETS
from tests.support.http_app import Client, error_of

pytestmark = pytest.mark.twins  # each test runs on the real stores and on the twins

# Static imports (`import … from "./x.js"`) and the files the page itself names.
_IMPORT = re.compile(r"""^import\s[^;]*?from\s+"([^"]+)";""", re.MULTILINE)
_REFERENCE = re.compile(r"""(?:src|href)="([^"#]+)\"""")
_REMOTE = re.compile(r"""(?:from\s+|src=|href=|url\(|import\()\s*["']?(?:https?:)?//""")
# errors.js's `const SENTENCES = {…};` and its keys, one `  CODE: (…) =>` line each.
_SENTENCES = re.compile(r"^const SENTENCES = \{\n(.*?)^\};", re.MULTILINE | re.DOTALL)
_SENTENCE_KEY = re.compile(r"^  ([A-Z][A-Z0-9_]*):", re.MULTILINE)


async def test_the_app_is_served_at_the_root(client: Client) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/main.js">' in page.text
    assert page.headers["cache-control"] == "no-cache"
    script = await client.get("/js/main.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]


async def test_unknown_paths_keep_the_api_error_envelope(client: Client) -> None:
    for path in ("/nope.js", "/api/v1/nope"):
        response = await client.get(path)
        assert response.status_code == 404
        assert error_of(response)["code"] == "NOT_FOUND"


async def test_every_referenced_file_is_served(client: Client) -> None:
    """A typo in an import would break the app only in a browser: resolve them all here."""
    wanted = {f"/{name}" for name in _REFERENCE.findall((ASSETS / "index.html").read_text())}
    for module in ASSETS.rglob("*.js"):
        for target in _IMPORT.findall(module.read_text()):
            resolved = (module.parent / target).resolve().relative_to(ASSETS.resolve())
            wanted.add(f"/{resolved.as_posix()}")
    assert "/js/views/listen.js" in wanted
    for path in sorted(wanted):
        assert (await client.get(path)).status_code == 200, path


def test_nothing_is_fetched_from_another_origin() -> None:
    """Works offline: no CDN, no web fonts, no remote scripts or styles."""
    for asset in ASSETS.rglob("*"):
        if asset.suffix in {".html", ".js", ".css"}:
            assert not _REMOTE.search(asset.read_text()), asset.relative_to(ASSETS)
            assert "@import" not in asset.read_text() and "@font-face" not in asset.read_text()


def test_the_assets_are_package_data() -> None:
    """Every file under assets/ matches a package-data glob, so the wheel ships it."""
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    globs = pyproject["tool"]["setuptools"]["package-data"]["entrypoints.web"]
    web = ASSETS.parent
    shipped = {path for pattern in globs for path in web.glob(pattern)}
    assert {a for a in ASSETS.rglob("*") if a.is_file()} <= shipped


def test_every_error_code_has_a_sentence_for_people() -> None:
    """A code without a sentence reaches a person as "The service refused the request (503)";
    a sentence for a code the catalogue no longer has is dead text."""
    block = _SENTENCES.search((ASSETS / "js" / "errors.js").read_text())
    assert block, "errors.js no longer has `const SENTENCES = {`"
    keys = _SENTENCE_KEY.findall(block.group(1))
    assert len(keys) == len(set(keys)), "a code has two sentences"
    catalogue = {code.value for code in ErrorCode}
    assert sorted(catalogue - set(keys)) == [], "codes without a sentence in errors.js"
    assert sorted(set(keys) - catalogue) == [], "sentences for codes the server never gives"


async def test_head_requests_are_answered_like_gets_without_a_body(client: Client) -> None:
    for path in ("/", "/index.html", "/js/main.js"):
        got, head = await client.get(path), await client.head(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-length"] == str(len(got.content))
        assert head.headers["etag"] == got.headers["etag"]
    assert (await client.head("/")).headers["content-type"] == "text/html; charset=utf-8"

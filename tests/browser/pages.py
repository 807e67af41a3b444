"""What the tests do on a page: open a view, read an offset as a person reads it, shoot it."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.service import ADMIN, PASSWORD, Service

_CLOCK = re.compile(r"^(\d+):(\d{2}\.\d)$")


def open_view(page: Page, service: Service, route: str = "listen") -> None:
    page.goto(f"{service.url}/#/{route}")
    expect(page.locator("h1")).to_be_visible()


def seconds_of(clock: str) -> float:
    """'1:23.4' → 83.4, the offset as the page shows it."""
    found = _CLOCK.match(clock.strip())
    assert found, f"not an m:ss.s offset: {clock!r}"
    return int(found.group(1)) * 60 + float(found.group(2))


def shoot(page: Page, folder: Path, name: str) -> Path:
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = folder / f"{name}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, service: Service) -> None:
    open_view(page, service, "admin")
    page.get_by_label("Username").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {ADMIN} (admin)")).to_be_visible()


def identified(page: Page, service: Service, clip: Path, title: str) -> Locator:
    """Pick `clip` on the Listen page; its exact match, once it names `title`."""
    open_view(page, service)
    page.get_by_test_id("clip-file").set_input_files(clip)
    match = page.get_by_test_id("exact-match")
    expect(match.locator(".match-title")).to_have_text(title, timeout=60_000)
    return match

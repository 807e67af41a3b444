"""Keyboard only: every step of a search reachable with Tab and Enter, focus always visible."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from tests.browser.chromium import Viewport, chromium, microphone_flags
from tests.browser.library import SONGS
from tests.browser.pages import open_view, shoot
from tests.browser.service import Service

MOST_TABS = 30  # more stops than the page has: a control not found by then is unreachable


def _tab_to(page: Page, control: Locator) -> None:
    """Press Tab until `control` has the focus; its focus outline must show."""
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if control.evaluate("element => element === document.activeElement"):
            outline = control.evaluate("element => getComputedStyle(element).outlineStyle")
            assert outline not in ("", "none"), f"{control} has the focus but shows none"
            return
    raise AssertionError(f"{control} cannot be reached with Tab")


def test_listen_and_browse_with_the_keyboard(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    song = SONGS[1]
    capture = song.clip(tmp_path / "clip.wav", 11.0, 9.0)
    with chromium(viewport, microphone_flags(capture)) as browser:
        page = browser.page
        open_view(page, service)
        _tab_to(page, page.locator("main").get_by_role("button", name="Listen"))
        shoot(page, screenshots, "keyboard-focus-listen")
        page.keyboard.press("Enter")
        match = page.get_by_test_id("exact-match")
        expect(match).to_be_visible(timeout=60_000)
        expect(match.locator(".match-title")).to_have_text(song.title)

        _tab_to(page, page.get_by_role("navigation").get_by_role("link", name="Library"))
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Library")
        expect(page.get_by_role("link", name=song.title)).to_be_visible()

"""A busy service (503 OVERLOADED with Retry-After): the page says it will try again,
waits the time the server named, and asks once more; refused twice, it says so.

The refusals are Playwright's: the server's real backpressure needs a crowd of clients
(tests/integration/test_polite_clients.py); what is tested here is the page's behaviour.
Only the refused requests are intercepted, so the retry reaches the real server.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from playwright.sync_api import Page, Request, Route, expect

from tests.browser.chromium import Viewport, chromium
from tests.browser.library import SONGS
from tests.browser.pages import open_view, shoot
from tests.browser.service import Service

SEARCH = "**/api/v1/search"
BUSY = {
    "error": {
        "code": "OVERLOADED",
        "message": "the service is at capacity; try again shortly",
        "details": {"retry_after_seconds": 1},
    }
}


def _refuse(route: Route) -> None:
    route.fulfill(
        status=503,
        headers={"Retry-After": "1", "Connection": "close"},
        content_type="application/json",
        body=json.dumps(BUSY),
    )


def _searches_sent(page: Page) -> list[float]:
    """When each search request left the page (seconds, monotonic), as they happen."""
    sent: list[float] = []

    def on_request(request: Request) -> None:
        if request.url.endswith("/api/v1/search"):
            sent.append(time.monotonic())

    page.on("request", on_request)
    return sent


def test_a_refused_search_is_asked_again_after_retry_after(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    song = SONGS[1]
    clip = song.clip(tmp_path / "busy.wav", 8.0, 6.0)
    with chromium(viewport) as browser:
        page = browser.page
        browser.console.expect(r"status of 503 .*/api/v1/search\)")
        page.route(SEARCH, _refuse, times=1)  # the first search only
        sent = _searches_sent(page)
        open_view(page, service)
        page.get_by_test_id("clip-file").set_input_files(clip)
        expect(page.locator("#toast")).to_have_text(
            "The service is busy: trying again in 1 second…"
        )
        shoot(page, screenshots, "busy-retrying")
        match = page.get_by_test_id("exact-match")
        expect(match.locator(".match-title")).to_have_text(song.title, timeout=60_000)
        assert len(sent) == 2, sent
        assert sent[1] - sent[0] >= 0.95, sent  # after the Retry-After, not at once
        expect(page.get_by_role("alert")).to_have_count(0)


def test_refused_twice_the_page_says_the_service_is_busy(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    clip = SONGS[1].clip(tmp_path / "busy.wav", 8.0, 6.0)
    with chromium(viewport) as browser:
        page = browser.page
        browser.console.expect(r"status of 503 .*/api/v1/search\)")
        page.route(SEARCH, _refuse)  # every search
        sent = _searches_sent(page)
        open_view(page, service)
        page.get_by_test_id("clip-file").set_input_files(clip)
        expect(page.get_by_role("alert")).to_have_text(
            "The service is busy right now. Try again in 1 second.", timeout=30_000
        )
        shoot(page, screenshots, "busy-refused-twice")
        page.wait_for_timeout(1500)  # a third try would have left by now
        assert len(sent) == 2, sent  # one retry, not a loop

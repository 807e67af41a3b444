"""An admin signs in, ingests two files (one is not audio), checks the status page, and
deletes a track: it leaves the library and search results."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.chromium import Viewport, chromium
from tests.browser.library import NEWCOMER
from tests.browser.pages import open_view, shoot, sign_in
from tests.browser.service import Service


def test_ingest_then_delete_a_track(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    track = NEWCOMER.write(tmp_path)
    notes = tmp_path / "liner notes.mp3"
    notes.write_text("not audio, only words about it\n" * 40)
    clip = NEWCOMER.clip(tmp_path / "newcomer clip.wav", 6.0, 6.0)
    with chromium(viewport) as browser:
        page = browser.page
        sign_in(page, service)
        assert "token" not in page.url.lower()
        page.get_by_test_id("ingest-files").set_input_files([track, notes])
        uploads = page.get_by_test_id("uploads")
        added = uploads.locator(f'li[data-file="{track.name}"]')
        refused = uploads.locator(f'li[data-file="{notes.name}"]')
        expect(added.get_by_test_id("outcome")).to_have_text("ingested — view", timeout=60_000)
        expect(refused.get_by_test_id("outcome")).to_contain_text("failed: ", timeout=60_000)
        reason = refused.get_by_test_id("outcome").inner_text()
        assert len(reason) > len("failed: ") + 10, reason
        shoot(page, screenshots, "admin-ingest")

        # The new track's page, until both indexes hold it.
        added.get_by_role("link", name="view").click()
        expect(page.locator("h1")).to_have_text(NEWCOMER.title)
        states = page.get_by_test_id("index-states").locator("li")
        for _ in range(60):
            if states.filter(has_text="holds it").count() == 2:
                break
            page.wait_for_timeout(500)
            page.reload()
        expect(states.filter(has_text="holds it")).to_have_count(2)

        # A clip of it is identified, then it is deleted...
        identify(page, service, clip)
        expect(page.get_by_test_id("exact-match").locator(".match-title")).to_have_text(
            NEWCOMER.title, timeout=60_000
        )
        page.get_by_test_id("exact-match").get_by_role("link", name=NEWCOMER.title).click()
        page.get_by_role("button", name="Delete this track…").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text(f"Delete “{NEWCOMER.title}”?")
        shoot(page, screenshots, "track-delete-confirm")
        dialog.get_by_role("button", name="Delete").click()
        expect(page.locator("h1")).to_have_text("Library")
        expect(page.get_by_role("status")).to_have_text(f"Deleted “{NEWCOMER.title}”.")

        # ... and is gone from the library and from search results.
        page.get_by_label("Search the library").fill(NEWCOMER.title)
        expect(page.get_by_test_id("library-empty")).to_be_visible()
        identify(page, service, clip)
        expect(page.get_by_test_id("no-match")).to_be_visible(timeout=60_000)


def identify(page, service: Service, clip: Path) -> None:
    open_view(page, service)
    page.get_by_test_id("clip-file").set_input_files(clip)


def test_sign_in_refused_then_the_status_page(
    service: Service, viewport: Viewport, screenshots: Path
) -> None:
    with chromium(viewport) as browser:
        page = browser.page
        browser.console.expect(r"status of 401 .*/api/v1/auth/token\)")
        open_view(page, service, "admin")
        shoot(page, screenshots, "admin-sign-in")
        page.get_by_label("Username").fill("curator")
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert")).to_have_text(
            "That username and password don't match. Try again."
        )
        sign_in(page, service)
        page.get_by_role("link", name="Service status").click()
        expect(page.get_by_test_id("overall")).to_have_text("Ready: everything works.")
        expect(page.get_by_text("Database (Postgres)")).to_be_visible()
        expect(page.get_by_text("Fingerprint index caught up (this node)")).to_be_visible()
        expect(page.get_by_text("this is node main.")).to_be_visible()
        expect(page.get_by_test_id("lag-fingerprint")).to_have_text("up to date")
        expect(page.get_by_test_id("lag-embedding")).to_have_text("up to date")
        shoot(page, screenshots, "status")
        # The token lives in this tab's sessionStorage, never in the address.
        assert page.evaluate("() => Object.keys(sessionStorage)") == ["audio-ident.session"]
        page.get_by_role("link", name="Admin").click()
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        assert page.evaluate("() => sessionStorage.length") == 0

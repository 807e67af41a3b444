"""Describe (text search), the library's search and paging, and a track's page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.chromium import Viewport, chromium
from tests.browser.library import FILLERS, SONGS, filler_title, library_size
from tests.browser.pages import open_view, shoot, sign_in
from tests.browser.service import Service

TITLES = {song.title for song in SONGS} | {filler_title(n) for n in range(1, FILLERS + 1)}


def test_describing_a_sound_lists_tracks_that_sound_like_it(
    service: Service, viewport: Viewport, screenshots: Path
) -> None:
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, service, "describe")
        page.get_by_label("Describe the sound").fill("calm piano with rain")
        page.get_by_role("button", name="Find").click()
        found = page.get_by_test_id("vibe-matches")
        expect(found.locator("h3")).to_have_text("Sounds like “calm piano with rain”")
        rows = found.locator("li")
        expect(rows).to_have_count(5)  # the search policy's default number of matches
        titles = rows.locator("a").all_inner_texts()
        assert set(titles) <= TITLES and len(set(titles)) == 5
        expect(rows.first.get_by_role("button", name="Play")).to_be_visible()
        shoot(page, screenshots, "describe-results")


def test_the_library_pages_and_searches(
    service: Service, viewport: Viewport, screenshots: Path
) -> None:
    total = library_size()
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, service, "library")
        status = page.get_by_test_id("pager-status")
        expect(status).to_have_text(f"1–25 of {total} · page 1 of 1".replace("25", str(total)))
        page.get_by_label("Per page").select_option("10")
        expect(status).to_have_text(f"1–10 of {total} · page 1 of 2")
        rows = page.get_by_test_id("library-table").locator("tbody tr")
        expect(rows).to_have_count(10)
        first_page = set(rows.locator("td:first-child").all_inner_texts())
        shoot(page, screenshots, "library")

        page.get_by_role("button", name="Next").click()
        expect(status).to_have_text(f"11–{total} of {total} · page 2 of 2")
        expect(rows).to_have_count(total - 10)
        second_page = set(rows.locator("td:first-child").all_inner_texts())
        assert first_page | second_page == TITLES and not first_page & second_page
        expect(page.get_by_role("button", name="Next")).to_be_disabled()
        assert "page=2" in page.url  # the state lives in the address: back and reload keep it
        page.reload()
        expect(status).to_have_text(f"11–{total} of {total} · page 2 of 2")

        search = page.get_by_label("Search the library")
        search.fill("seasons")  # the album of two songs
        expect(rows).to_have_count(2)
        assert set(rows.locator("td:first-child").all_inner_texts()) == {
            s.title for s in SONGS if s.album == "Seasons"
        }
        expect(search).to_be_focused()
        search.fill("nothing sounds like this")
        expect(page.get_by_test_id("library-empty")).to_have_text(
            "Nothing matches “nothing sounds like this”."
        )
        shoot(page, screenshots, "library-nothing-found")


def test_a_track_page_shows_its_facts_and_indexes(
    service: Service, viewport: Viewport, screenshots: Path
) -> None:
    song = SONGS[0]
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, service, "library")
        page.get_by_label("Search the library").fill(song.title)
        page.get_by_role("link", name=song.title).click()
        expect(page.locator("h1")).to_have_text(song.title)
        expect(page.locator(".match-by")).to_have_text(f"{song.artist} — {song.album}")
        details = page.locator("dl.details")
        expect(details.first).to_contain_text("0:30")
        expect(page.get_by_text(f"{song.title}.mp3")).to_be_visible()
        expect(page.get_by_text("44100 Hz")).to_be_visible()
        states = page.get_by_test_id("index-states").locator("li")
        expect(states).to_have_count(2)
        expect(states.filter(has_text="holds it")).to_have_count(2)
        # Not signed in: nothing to delete with.
        expect(page.get_by_role("button", name="Delete this track…")).to_have_count(0)
        shoot(page, screenshots, "track")


def test_an_admin_renames_a_track_on_its_page(
    service: Service, viewport: Viewport, screenshots: Path
) -> None:
    original = filler_title(3)  # untagged: no artist
    with chromium(viewport) as browser:
        page = browser.page
        sign_in(page, service)
        open_view(page, service, "library")
        page.get_by_label("Search the library").fill(original)
        page.get_by_role("link", name=original).click()
        expect(page.locator("h1")).to_have_text(original)
        expect(page.locator(".match-by")).to_have_text("Unknown artist")
        form = page.get_by_test_id("edit-names")
        expect(form.get_by_label("Title")).to_have_value(original)
        expect(form.get_by_label("Artist")).to_have_value("")
        shoot(page, screenshots, "track-names")

        form.get_by_label("Title").fill("Evening Tide")
        form.get_by_label("Artist").fill("The Tides")
        form.get_by_role("button", name="Save names").click()
        expect(page.locator("h1")).to_have_text("Evening Tide")
        expect(page.locator(".match-by")).to_have_text("The Tides")
        expect(page.locator(".toast")).to_have_text("Saved “Evening Tide”.")
        shoot(page, screenshots, "track-renamed")

        browser.console.expect(r"status of 400 .*/api/v1/tracks/")  # provoked on purpose
        page.get_by_test_id("edit-names").get_by_label("Title").fill("   ")
        page.get_by_test_id("edit-names").get_by_role("button", name="Save names").click()
        expect(page.get_by_test_id("edit-names").get_by_role("alert")).to_have_text(
            "The request was not accepted: a track needs a title."
        )
        shoot(page, screenshots, "track-rename-refused")

        # The library lists the new names; then the old ones come back for the other tests.
        open_view(page, service, "library")
        page.get_by_label("Search the library").fill("Evening Tide")
        rows = page.get_by_test_id("library-table").locator("tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("The Tides")
        rows.first.get_by_role("link", name="Evening Tide").click()
        form = page.get_by_test_id("edit-names")
        form.get_by_label("Title").fill(original)
        form.get_by_label("Artist").fill("")
        form.get_by_role("button", name="Save names").click()
        expect(page.locator("h1")).to_have_text(original)
        expect(page.locator(".match-by")).to_have_text("Unknown artist")

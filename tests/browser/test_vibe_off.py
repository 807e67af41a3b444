"""A server whose vibe lane is off (EMBEDDING_MODEL=none): the page says so in words, and
the exact lane's answers still come."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import service as serving
from tests.browser.chromium import Viewport, chromium
from tests.browser.library import SONGS
from tests.browser.pages import open_view, shoot
from tests.browser.service import Service

SWITCHED_OFF = "Sounds-alike search is not available on this server: the vibe lane is switched off"


@pytest.fixture(scope="module")
def without_vibe(storage_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    env = serving.environment(storage_root / "no-vibe", Path("none"), 512)
    env["EMBEDDING_MODEL"] = "none"
    song = SONGS[0].write(tmp_path_factory.mktemp("no-vibe-library"))
    serving.run_cli(env, "ingest", str(song))
    started = serving.start(env, storage_root / "no-vibe-serve.log")
    yield started
    started.stop()


def test_a_switched_off_lane_is_said_in_words(
    without_vibe: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    song = SONGS[0]
    clip = song.clip(tmp_path / "clip.wav", 6.0, 6.0)
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, without_vibe)
        page.get_by_test_id("clip-file").set_input_files(clip)
        match = page.get_by_test_id("exact-match")
        expect(match.locator(".match-title")).to_have_text(song.title, timeout=60_000)
        expect(page.get_by_text(SWITCHED_OFF)).to_be_visible()
        shoot(page, screenshots, "result-vibe-off")

        browser.console.expect(r"status of 503 .*/api/v1/search/text\)")
        open_view(page, without_vibe, "describe")
        page.get_by_label("Describe the sound").fill("calm piano with rain")
        page.keyboard.press("Enter")
        expect(
            page.get_by_text("Searching by sound is not available on this server")
        ).to_be_visible()
        shoot(page, screenshots, "describe-vibe-off")

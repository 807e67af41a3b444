"""The microphone path end to end: Chromium's fake capture device plays a WAV cut from a
library track; the page records it, identifies it, and shows the track and the offset."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.chromium import Viewport, chromium, microphone_flags
from tests.browser.library import SONGS
from tests.browser.pages import open_view, seconds_of, shoot
from tests.browser.service import Service

CLIP_START = 11.0  # seconds into the track where the microphone's clip begins


def test_listening_names_the_track_and_where_in_it(
    service: Service,
    viewport: Viewport,
    tmp_path: Path,
    screenshots: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    song = SONGS[1]
    capture = song.clip(tmp_path / "clip.wav", CLIP_START, 9.0)
    with chromium(viewport, microphone_flags(capture)) as browser:
        page = browser.page
        open_view(page, service)
        expect(page.get_by_label("Record for")).to_have_value("5")
        shoot(page, screenshots, "listen-idle")

        started = time.perf_counter()
        page.get_by_role("button", name="Listen").click()
        expect(page.get_by_text("Listening… 3")).to_be_visible()
        shoot(page, screenshots, "listen-recording")
        match = page.get_by_test_id("exact-match")
        expect(match).to_be_visible(timeout=60_000)
        answered = time.perf_counter() - started

        expect(match.locator(".match-title")).to_have_text(song.title)
        expect(match.locator(".match-by")).to_have_text(f"{song.artist} — {song.album}")
        shown = seconds_of(match.get_by_test_id("offset").inner_text())
        assert abs(shown - CLIP_START) <= 0.5, shown
        expect(page.get_by_role("button", name="Listen")).to_be_enabled()
        shoot(page, screenshots, "result-microphone")
    with capsys.disabled():
        print(f"\nListen pressed → answer shown: {answered:.2f} s (5 s recording + identify)")


def test_keep_listening_keeps_a_running_list(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    song = SONGS[0]
    capture = song.clip(tmp_path / "clip.wav", 4.0, 20.0)
    with chromium(viewport, microphone_flags(capture)) as browser:
        page = browser.page
        open_view(page, service)
        page.get_by_label("Record for").select_option("3")
        page.get_by_label("Keep listening").check()
        page.get_by_role("button", name="Listen").click()
        heard = page.get_by_role("list", name="Heard so far").locator("li")
        expect(heard).to_have_count(2, timeout=60_000)
        expect(heard.first).to_contain_text(song.title)
        expect(page.get_by_role("button", name="Stop")).to_be_visible()
        shoot(page, screenshots, "listen-keep-listening")
        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_role("button", name="Listen")).to_be_visible()
        count = heard.count()
        page.wait_for_timeout(4_000)  # no more clips are recorded once stopped
        assert heard.count() <= count + 1  # at most the one already being identified


@pytest.mark.parametrize(
    ("case", "flags", "allowed", "advice"),
    [
        # A fake microphone exists, but the site is not allowed to use it.
        ("refused", ["--use-fake-device-for-media-stream"], False, "Microphone access was refused"),
        # No capture device at all.
        ("missing", [], True, "No microphone was found"),
    ],
)
def test_no_microphone_says_what_to_do(
    service: Service,
    viewport: Viewport,
    screenshots: Path,
    case: str,
    flags: list[str],
    allowed: bool,
    advice: str,
) -> None:
    with chromium(viewport, flags, microphone=allowed) as browser:
        page = browser.page
        open_view(page, service)
        page.get_by_role("button", name="Listen").click()
        error = page.get_by_test_id("mic-error")
        expect(error).to_contain_text(advice)
        expect(error).to_contain_text("again")
        expect(page.get_by_role("button", name="Listen")).to_be_visible()
        shoot(page, screenshots, f"listen-microphone-{case}")

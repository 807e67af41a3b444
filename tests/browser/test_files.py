"""A file picked or dropped → the same result view; unknown audio → "No match"; the player
plays the library track from the matched offset (Range requests on the track's audio)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.chromium import Viewport, chromium
from tests.browser.library import SONGS, unknown_clip
from tests.browser.pages import open_view, seconds_of, shoot
from tests.browser.service import Service


def drop_file(page: Page, target: str, path: Path, mime: str) -> None:
    """What a drag and drop from the desktop delivers: a DataTransfer holding the file."""
    payload = base64.b64encode(path.read_bytes()).decode()
    transfer = page.evaluate_handle(
        """([name, mime, payload]) => {
            const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            return transfer;
        }""",
        [path.name, mime, payload],
    )
    page.dispatch_event(target, "drop", {"dataTransfer": transfer})


def test_a_picked_clip_is_identified_and_plays_from_the_offset(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    song = SONGS[2]
    clip = song.clip(tmp_path / "phone clip.m4a", 17.5, 6.0)
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, service)
        page.get_by_test_id("clip-file").set_input_files(clip)
        match = page.get_by_test_id("exact-match")
        expect(match.locator(".match-title")).to_have_text(song.title, timeout=60_000)
        shown = seconds_of(match.get_by_test_id("offset").inner_text())
        assert abs(shown - 17.5) <= 0.5, shown
        # Said so that a person can weigh it: a word and the evidence, not "100 %".
        expect(match.get_by_test_id("certainty")).to_have_text("Certain")
        expect(match.get_by_test_id("evidence")).to_have_text(
            re.compile(r"^\d+ landmarks line up over \d+\.\d s of the 6\.0 s clip\.$")
        )
        # The answer is on screen, also where the controls fill a phone's page.
        page.wait_for_function(
            "() => { const r = document.querySelector('[data-testid=exact-match]')"
            ".getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight * 0.6; }"
        )
        # Sounds-alike rows say where they fall among the library's own pairs.
        scores = page.get_by_test_id("vibe-matches").locator(".score")
        expect(scores.first).to_have_text(re.compile(r"^more alike than \d+ % of pairs$"))
        shoot(page, screenshots, "result-file")

        match.get_by_role("button", name="Play from").click()
        audio = page.locator("#player audio")
        page.wait_for_function(
            "() => { const a = document.querySelector('#player audio');"
            " return a && !a.paused && a.readyState >= 3; }"
        )
        position = audio.evaluate("(a) => a.currentTime")
        assert abs(position - shown) <= 0.5, (position, shown)
        expect(page.locator("[data-player-title]")).to_have_text(song.title)
        shoot(page, screenshots, "result-playing")
        page.get_by_role("button", name="Close the player").click()
        expect(page.locator("#player")).to_be_hidden()
        assert audio.evaluate("(a) => a.paused")


def test_dropped_unknown_audio_is_no_match(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    clip = unknown_clip(tmp_path / "street noise.wav")
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, service)
        drop_file(page, "[data-testid=drop-zone]", clip, "audio/wav")
        no_match = page.get_by_test_id("no-match")
        expect(no_match).to_contain_text("No match", timeout=60_000)
        expect(page.get_by_test_id("exact-match")).to_have_count(0)
        # The sounds-alike lane still answers, with tracks from the library.
        expect(page.get_by_test_id("vibe-matches").locator("li").first).to_be_visible()
        shoot(page, screenshots, "result-no-match")


def refused_with(
    service: Service, viewport: Viewport, picked: Path, sentence: str, shot: Path
) -> None:
    """Picking `picked` gets a 422 from the search, said to the user as `sentence`."""
    with chromium(viewport) as browser:
        page = browser.page
        # The 422 is expected; Chromium logs every failed request as a console error.
        browser.console.expect(r"status of 422 .*/api/v1/search\)")
        open_view(page, service)
        page.get_by_test_id("clip-file").set_input_files(picked)
        expect(page.get_by_role("alert")).to_have_text(sentence, timeout=60_000)
        shoot(page, shot.parent, shot.name)


def test_a_file_that_is_not_audio_is_explained(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    notes = tmp_path / "notes.mp3"
    notes.write_text("these are liner notes, not audio\n" * 50)
    said = (
        "That doesn't look like audio this service can read. Try an MP3, M4A, WAV, FLAC or "
        "OGG file."
    )
    refused_with(service, viewport, notes, said, screenshots / "result-not-audio")

"""The microphone path end to end: Chromium's fake capture device plays a WAV cut from
library tracks; Listen asks while it records and stops at a certain answer; Keep listening
streams to the /listen WebSocket and keeps one row per song, across reloads."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, expect

from tests.browser.chromium import Viewport, chromium, microphone_flags
from tests.browser.library import SONGS, Piece, mix, unknown_clip
from tests.browser.pages import open_view, seconds_of, shoot, sign_in
from tests.browser.service import Service

CLIP_START = 11.0  # seconds into the track where the microphone's clip begins


FULL_LENGTH = 10  # seconds: "Record for" at its longest
EARLY = (
    7.0  # seconds from the press to the answer: an answer that waited for the full length is later
)


def test_listening_stops_as_soon_as_the_answer_is_certain(
    service: Service,
    viewport: Viewport,
    tmp_path: Path,
    screenshots: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    song = SONGS[1]
    capture = song.clip(tmp_path / "clip.wav", CLIP_START, 12.0)
    with chromium(viewport, microphone_flags(capture)) as browser:
        page = browser.page
        open_view(page, service)
        expect(page.get_by_label("Record for")).to_have_value("5")
        shoot(page, screenshots, "listen-idle")
        page.get_by_label("Record for").select_option(str(FULL_LENGTH))

        started = time.perf_counter()
        page.get_by_role("button", name="Listen").click()
        expect(page.get_by_text(f"Listening… {FULL_LENGTH - 1}")).to_be_visible()
        shoot(page, screenshots, "listen-recording")
        match = page.get_by_test_id("exact-match")
        expect(match).to_be_visible(timeout=60_000)
        answered = time.perf_counter() - started
        # Asked while recording (from 3 s on), it stopped at the first certain answer.
        assert answered < EARLY, answered
        expect(page.get_by_role("button", name="Listen")).to_be_enabled()
        expect(page.locator(".listen-status")).to_have_text(
            re.compile(r"^Sure after [3-6] s, so it stopped listening\.$")
        )
        expect(match.get_by_test_id("certainty")).to_have_text("Certain")
        expect(match.locator(".match-title")).to_have_text(song.title)
        expect(match.locator(".match-by")).to_have_text(f"{song.artist} — {song.album}")
        shown = seconds_of(match.get_by_test_id("offset").inner_text())
        assert abs(shown - CLIP_START) <= 0.5, shown
        shoot(page, screenshots, "result-microphone")
    with capsys.disabled():
        print(f"\nListen pressed → certain answer shown: {answered:.2f} s (of {FULL_LENGTH} s)")


def test_a_recording_that_matches_nothing_runs_its_full_length(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    capture = unknown_clip(tmp_path / "unknown.wav", 8.0)
    with chromium(viewport, microphone_flags(capture)) as browser:
        page = browser.page
        open_view(page, service)
        page.get_by_label("Record for").select_option("4")
        started = time.perf_counter()
        page.get_by_role("button", name="Listen").click()
        expect(page.get_by_test_id("no-match")).to_be_visible(timeout=60_000)
        assert time.perf_counter() - started >= 4.0
        expect(page.locator(".listen-status")).to_have_text(
            "Hold your device near the music and press Listen."
        )
        shoot(page, screenshots, "result-microphone-no-match")


def heard_times(row: Locator) -> tuple[datetime, datetime]:
    first = row.get_by_test_id("first-heard").get_attribute("datetime")
    last = row.get_by_test_id("last-heard").get_attribute("datetime")
    assert first and last, row.inner_html()
    return datetime.fromisoformat(first), datetime.fromisoformat(last)


def test_keep_listening_keeps_one_row_per_song_across_reloads(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    first, second = SONGS[0], SONGS[2]
    # Two songs back to back; the fake microphone plays the file in a loop: A, B, A, B…
    capture = mix(tmp_path / "two songs.wav", [Piece(first, 4.0, 15.0), Piece(second, 2.0, 15.0)])
    with chromium(viewport, microphone_flags(capture)) as browser:
        page = browser.page
        # Signed in, the socket carries the token as its subprotocols (`bearer, <token>`).
        sign_in(page, service)
        open_view(page, service)
        page.get_by_label("Keep listening").check()
        expect(page.get_by_label("Record for")).to_be_disabled()  # a stream has no length
        pressed = datetime.now(UTC)
        page.get_by_role("button", name="Listen").click()
        heard = page.get_by_role("list", name="Heard so far").get_by_test_id("heard-song")
        expect(heard).to_have_count(1, timeout=60_000)
        status = page.locator(".listen-status")
        playing = [f"Now playing: {s.title} — {s.artist} — {s.album}" for s in (first, second)]
        expect(status).to_have_text(playing[0])
        expect(heard).to_have_count(2, timeout=60_000)
        expect(status).to_have_text(playing[1])
        shoot(page, screenshots, "listen-keep-listening")
        # The first song comes round again: still one row each.
        expect(status).to_have_text(playing[0], timeout=60_000)
        page.get_by_role("button", name="Stop").click()
        expect(page.locator(".listen-status")).to_have_text("Stopped.", timeout=60_000)
        expect(heard).to_have_count(2)
        expect(heard.nth(0)).to_contain_text(second.title)  # newest first
        expect(heard.nth(1)).to_contain_text(first.title)
        stopped = datetime.now(UTC)
        for row in (heard.nth(0), heard.nth(1)):
            began, ended = heard_times(row)
            assert pressed - timedelta(seconds=1) <= began < ended <= stopped, (began, ended)
        # The first song played twice in the stream: its row spans both times.
        began, ended = heard_times(heard.nth(1))
        assert (ended - began).total_seconds() > 25, (began, ended)
        shoot(page, screenshots, "listen-heard")

        page.reload()
        expect(heard).to_have_count(2)
        expect(heard.nth(1)).to_contain_text(first.title)
        assert heard_times(heard.nth(1)) == (began, ended)
        page.get_by_role("button", name="Clear history").click()
        expect(heard).to_have_count(0)
        page.reload()
        expect(page.get_by_role("button", name="Listen")).to_be_visible()
        expect(heard).to_have_count(0)


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

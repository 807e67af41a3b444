"""A whole recording dropped on the page → its tracklist, row by row as the timeline's NDJSON
arrives, each known row playable from its point in the library track, and the tracklist
saved as CSV, a CUE sheet and JSON (written by the server's export)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Download, Locator, Page, Route, expect

from tests.browser.chromium import Viewport, chromium
from tests.browser.library import SET, mix, starts
from tests.browser.pages import open_view, shoot
from tests.browser.service import Service
from tests.browser.test_files import drop_file

EDGE = 2.0  # seconds: how far a segment's edge may sit from where its piece was cut in
_SPAN = re.compile(r"^(\d+):(\d{2})–(\d+):(\d{2})$")


def span_of(row: Locator) -> tuple[int, int]:
    """A row's "0:20–0:45" as seconds."""
    found = _SPAN.match(row.get_by_test_id("segment-when").inner_text().strip())
    assert found, row.inner_text()
    a, b, c, d = map(int, found.groups())
    return a * 60 + b, c * 60 + d


def expected_rows() -> list[tuple[str, float]]:
    return [
        (p.song.title if p.song else "Unknown", at) for p, at in zip(SET, starts(SET), strict=True)
    ]


def assert_tracklist(rows: Locator) -> None:
    """The set's pieces in order, each titled and starting where it was cut in."""
    titles = [t.strip() for t in rows.locator(".segment-title").all_inner_texts()]
    assert titles == [title for title, _ in expected_rows()], titles
    for n, (_, at) in enumerate(expected_rows()):
        start, _end = span_of(rows.nth(n))
        assert abs(start - at) <= EDGE, (n, start, at)


def save(page: Page, tracklist: Locator, label: str) -> tuple[Download, str]:
    with page.expect_download() as info:
        tracklist.get_by_role("button", name=label).click()
    download = info.value
    return download, Path(download.path()).read_text()


def test_a_dropped_mix_gets_its_tracklist_and_saves_it(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    recording = mix(tmp_path / "friday set.wav", SET)
    with chromium(viewport) as browser:
        page = browser.page
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url) if "/api/v1/" in r.url else None)
        open_view(page, service)
        drop_file(page, "[data-testid=drop-zone]", recording, "audio/wav")
        tracklist = page.get_by_test_id("tracklist")
        expect(tracklist).to_be_visible()
        rows = tracklist.get_by_test_id("segment")
        expect(rows.first).to_be_visible(timeout=90_000)
        shoot(page, screenshots, "tracklist-arriving")  # often still going: rows, the bar
        expect(tracklist.get_by_text("Done: 4 segments in 1:15.")).to_be_visible(timeout=90_000)
        # The browser measured the file (75 s): it went to the timeline, never to the search.
        assert not [url for url in asked if url.endswith("/api/v1/search")], asked
        expect(tracklist.get_by_role("note")).to_contain_text("longer than a clip")
        expect(page.get_by_test_id("timeline-progress")).to_have_js_property("value", 1)
        assert_tracklist(rows)
        first = rows.nth(0)
        expect(first.locator(".where")).to_have_text("from 0:05 in the track")  # cut in at 5 s
        # Resampled 4 % fast, so its pitch rose too: 12 log2(1.04) = 0.68 semitones.
        expect(rows.nth(3).locator(".where")).to_have_text(
            re.compile(r"from 0:03 in the track · played 4 % fast · pitch \+0\.[678] semitones")
        )
        expect(rows.nth(2)).to_contain_text("Not in the library")
        expect(rows.nth(2).get_by_role("button")).to_have_count(0)
        shoot(page, screenshots, "tracklist-done")

        # A row plays its library track from where the mix had it.
        rows.nth(3).get_by_role("button", name="Play").click()
        page.wait_for_function(
            "() => { const a = document.querySelector('#player audio');"
            " return a && !a.paused && a.readyState >= 3; }"
        )
        position = page.locator("#player audio").evaluate("(a) => a.currentTime")
        assert abs(position - SET[3].start) <= EDGE, position
        page.get_by_role("button", name="Close the player").click()

        download, text = save(page, tracklist, "CSV")
        assert download.suggested_filename == "friday set.csv"
        table = list(csv.DictReader(io.StringIO(text, newline="")))
        assert [r["title"] or "Unknown" for r in table] == [t for t, _ in expected_rows()]
        assert {r["file"] for r in table} == {"friday set.wav"}
        for row, (_, at) in zip(table, expected_rows(), strict=True):
            assert abs(float(row["start"]) - at) <= EDGE, row
        download, text = save(page, tracklist, "CUE sheet")
        assert download.suggested_filename == "friday set.cue"
        assert text.startswith('FILE "friday set.wav" WAVE\n')
        assert re.findall(r'TITLE "([^"]*)"', text) == [t for t, _ in expected_rows()]
        indexes = re.findall(r"INDEX 01 (\d+):(\d{2}):(\d{2})", text)
        cue_starts = [int(m) * 60 + int(s) + int(f) / 75 for m, s, f in indexes]
        for at, (_, expected) in zip(cue_starts, expected_rows(), strict=True):
            assert abs(at - expected) <= EDGE, (at, expected)
        download, text = save(page, tracklist, "JSON")
        assert download.suggested_filename == "friday set.json"
        saved = json.loads(text)
        assert saved["file"] == "friday set.wav"
        titles = [(s["track"] or {"title": "Unknown"})["title"] for s in saved["segments"]]
        assert titles == [t for t, _ in expected_rows()]
        assert saved["segments"][0]["offset_seconds"] == pytest.approx(5.0, abs=EDGE)
        shoot(page, screenshots, "tracklist-saved")


def test_a_long_file_the_browser_cannot_measure_is_switched_by_the_search(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    """AIFF: ffmpeg reads it, Chromium does not, so the page cannot know its length and asks
    the search, which refers it to the timeline (AUDIO_TOO_LONG, details.use)."""
    recording = mix(tmp_path / "radio capture.aiff", SET)
    with chromium(viewport) as browser:
        page = browser.page
        browser.console.expect(r"status of 422 .*/api/v1/search\)")
        refused: list[int] = []
        page.on("response", lambda r: r.url.endswith("/api/v1/search") and refused.append(r.status))
        open_view(page, service)
        page.get_by_test_id("clip-file").set_input_files(recording)
        tracklist = page.get_by_test_id("tracklist")
        expect(tracklist.get_by_role("note")).to_have_text(
            "That's longer than a clip, so here is its tracklist: what plays when."
        )
        expect(tracklist.get_by_text("Done: 4 segments in 1:15.")).to_be_visible(timeout=90_000)
        assert refused == [422]
        assert_tracklist(tracklist.get_by_test_id("segment"))
        expect(page.get_by_test_id("exact-match")).to_have_count(0)
        shoot(page, screenshots, "tracklist-switched")


def test_an_error_mid_stream_keeps_the_segments_so_far(
    service: Service, viewport: Viewport, tmp_path: Path, screenshots: Path
) -> None:
    """The server's own lines, cut after the second segment by the error line a recording
    that breaks off gets (a real break-off cannot be provoked from an upload)."""
    recording = mix(tmp_path / "cut off.mp3", SET, ["-b:a", "128k"])

    # Playwright's interception loses a multipart upload's file, so the server's answer is
    # fetched here, for the same file.
    with recording.open("rb") as audio:
        answer = httpx.post(
            f"{service.url}/api/v1/timeline", files={"audio": (recording.name, audio)}, timeout=120
        )
    assert answer.status_code == 200, answer.text
    lines = answer.text.splitlines()
    segments = [n for n, line in enumerate(lines) if json.loads(line)["type"] == "segment"]
    error = {"code": "INPUT_BROKE_OFF", "message": "the input broke off after 45.0 s",
             "details": {"after_seconds": 45.0}}  # fmt: skip
    body = [*lines[: segments[1] + 1], json.dumps({"type": "error", "error": error})]

    def broken_off(route: Route) -> None:
        route.fulfill(status=200, content_type="application/x-ndjson", body="\n".join(body) + "\n")

    with chromium(viewport) as browser:
        page = browser.page
        page.route("**/api/v1/timeline", broken_off)
        open_view(page, service)
        # A file of any length may be asked for as a tracklist.
        page.get_by_test_id("tracklist-file").set_input_files(recording)
        tracklist = page.get_by_test_id("tracklist")
        expect(tracklist.get_by_role("alert")).to_have_text(
            "The audio stopped arriving part-way, so listening ended there; what was heard "
            "before is shown.",
            timeout=90_000,
        )
        expect(tracklist.get_by_test_id("segment")).to_have_count(2)
        expect(tracklist.get_by_text("Stopped after 2 segments.")).to_be_visible()
        expect(tracklist.get_by_role("button", name="CSV")).to_be_visible()  # what arrived
        shoot(page, screenshots, "tracklist-broke-off")

"""Debian's Chromium driven by Playwright (never a downloaded browser), one fresh profile
per test, and a page that fails the test on any console error or uncaught exception."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
Viewport = dict[str, int]
NARROW: Viewport = {"width": 390, "height": 844}  # a phone
WIDE: Viewport = {"width": 1280, "height": 900}  # a desktop


def microphone_flags(capture: Path | None) -> list[str]:
    """Chromium's fake capture device, granted without a prompt, fed `capture` (a WAV)."""
    flags = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
    if capture is not None:
        flags.append(f"--use-file-for-fake-audio-capture={capture}")
    return flags


@dataclass
class ConsoleGuard:
    """Console errors and page exceptions seen; `expect` allows one known message pattern
    (a failed request the test provokes on purpose makes Chromium log one)."""

    problems: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def expect(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def on_page_error(self, error: Exception) -> None:
        self.problems.append(f"uncaught: {error}")

    def unexpected(self) -> list[str]:
        return [p for p in self.problems if not any(a.search(p) for a in self.allowed)]


@dataclass
class Browser:
    context: BrowserContext
    page: Page
    console: ConsoleGuard


@contextmanager
def chromium(
    viewport: Viewport, extra_flags: Sequence[str] = (), microphone: bool = True
) -> Iterator[Browser]:
    """A fresh Chromium profile and one page; on leaving, no console error may have appeared."""
    with (
        tempfile.TemporaryDirectory(prefix="audio-ident-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=[*FLAGS, *extra_flags],
            viewport=viewport,
            permissions=["microphone"] if microphone else [],
            locale="en-GB",
            timezone_id="UTC",
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            guard = ConsoleGuard()
            page.on("console", guard.on_console)
            page.on("pageerror", guard.on_page_error)
            page.set_default_timeout(30_000)
            yield Browser(context, page, guard)
            assert not guard.unexpected(), "\n".join(guard.unexpected())
        finally:
            context.close()

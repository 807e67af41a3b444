"""The page in the server's less usual states: the vibe lane switched off on purpose (what
cannot work is not offered), its model missing (each page says why, and what to do), and a
session the server no longer accepts (signed out, and told so)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from entrypoints.settings import DEFAULT_EMBEDDING_MODEL
from tests.browser import service as serving
from tests.browser.chromium import Viewport, chromium
from tests.browser.library import SONGS
from tests.browser.pages import identified, open_view, shoot, sign_in
from tests.browser.service import Service

MISSING = (
    f"The vibe lane is unavailable: the CLAP model '{DEFAULT_EMBEDDING_MODEL}' is not on this "
    "machine and downloads are switched off (HF_HUB_OFFLINE); set EMBEDDING_MODEL to a "
    "directory holding a copy of the model, or to none to switch the vibe lane off."
)


def _with_one_song(env: dict[str, str], folder: Path, log: Path) -> Service:
    song = SONGS[0].write(folder)
    serving.run_cli(env, "ingest", str(song))
    # Without a model nothing applies the embedding projection: only the other catches up.
    return serving.start(env, log, caught_up=("fingerprint",))


@pytest.fixture(scope="module")
def without_vibe(storage_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    env = serving.environment(storage_root / "no-vibe", Path("none"), 512)
    folder = tmp_path_factory.mktemp("no-vibe-library")
    started = _with_one_song(env, folder, storage_root / "no-vibe-serve.log")
    yield started
    started.stop()


@pytest.fixture(scope="module")
def model_missing(
    storage_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """The default model id, never downloaded here, with downloads switched off."""
    env = serving.environment(storage_root / "no-model", Path(DEFAULT_EMBEDDING_MODEL), 512)
    env.update(HF_HOME=str(storage_root / "no-model-hf-cache"), HF_HUB_OFFLINE="1")
    folder = tmp_path_factory.mktemp("no-model-library")
    started = _with_one_song(env, folder, storage_root / "no-model-serve.log")
    yield started
    started.stop()


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """6 s of the one song both servers above hold."""
    return SONGS[0].clip(tmp_path / "clip.wav", 6.0, 6.0)


def test_a_switched_off_lane_is_not_offered(
    without_vibe: Service, viewport: Viewport, clip: Path, screenshots: Path
) -> None:
    with chromium(viewport) as browser:
        page = browser.page
        identified(page, without_vibe, clip, SONGS[0].title)
        expect(page.get_by_role("link", name="Describe")).to_be_hidden()
        expect(page.get_by_role("link", name="Library")).to_be_visible()
        # No "sounds like" section, and no note about a lane nobody may use.
        expect(page.get_by_test_id("vibe-matches")).to_have_count(0)
        expect(page.get_by_role("note")).to_have_count(0)
        shoot(page, screenshots, "result-vibe-off")

        open_view(page, without_vibe, "describe")  # an old bookmark
        expect(page.get_by_test_id("describe-off")).to_have_text(
            "Searching by description is switched off on this server."
        )
        expect(page.get_by_label("Describe the sound")).to_have_count(0)
        shoot(page, screenshots, "describe-vibe-off")


def test_a_missing_model_is_explained_with_what_to_do(
    model_missing: Service, viewport: Viewport, clip: Path, screenshots: Path
) -> None:
    with chromium(viewport) as browser:
        page = browser.page
        open_view(page, model_missing, "status")
        model = page.get_by_role("row", name="Sound model (CLAP)")
        expect(model).to_contain_text(MISSING[0].lower() + MISSING[1:-1])  # as the API says it
        expect(model).not_to_contain_text("answered in")  # it is not asked: loaded at start
        expect(page.get_by_test_id("overall")).to_have_text(
            "Working, with parts unavailable (see below)."
        )
        shoot(page, screenshots, "status-model-missing")

        identified(page, model_missing, clip, SONGS[0].title)
        expect(page.get_by_role("note")).to_have_text(MISSING)
        shoot(page, screenshots, "result-model-missing")

        browser.console.expect(r"status of 503 .*/api/v1/search/text\)")
        page.get_by_role("link", name="Describe").click()
        page.get_by_label("Describe the sound").fill("calm piano with rain")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_have_text(MISSING)
        shoot(page, screenshots, "describe-model-missing")


def test_a_refused_session_signs_out_and_says_so(
    service: Service, viewport: Viewport, screenshots: Path
) -> None:
    with chromium(viewport) as browser:
        page = browser.page
        sign_in(page, service)
        # As after a restart with another signing secret: the saved token is refused.
        page.evaluate(
            """() => {
              const key = "audio-ident.session";
              const saved = JSON.parse(sessionStorage.getItem(key));
              sessionStorage.setItem(key, JSON.stringify({ ...saved, token: "not.a.token" }));
            }"""
        )
        browser.console.expect(r"status of 401 .*/api/v1/auth/me\)")
        page.reload()
        said = "You have been signed out: the server no longer accepts your sign-in. Sign in again."
        expect(page.get_by_role("status")).to_have_text(said)  # the toast, on any page
        expect(page.get_by_test_id("signed-out")).to_have_text(said)  # and where one signs in
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        expect(page.get_by_text("Signed in as")).to_have_count(0)
        page.wait_for_timeout(300)  # the toast's fade-in
        shoot(page, screenshots, "signed-out")

"""One way to show a position (m:ss.s) and a missing artist, in the CLI and the web app."""

from __future__ import annotations

import json
import math
import shutil
import subprocess

import pytest

from entrypoints.cli.presenters import artist, position
from entrypoints.cli.timeline_presenter import clock
from entrypoints.http.schemas.tracks import MISSING_ARTIST
from entrypoints.numbers import rounded
from entrypoints.web.site import ASSETS

SAMPLES = [0.0, -0.0004, -0.04, 0.05, 9.96, 59.95, 83.44, 599.99, 3599.96, 3723.4, -1.5, 10800]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0.0, "0:00.0"),
        (-0.04, "0:00.0"),  # never "-0:00.0"
        (9.96, "0:10.0"),
        (83.44, "1:23.4"),
        (599.99, "10:00.0"),
        (3723.4, "1:02:03.4"),
        (-1.5, "-0:01.5"),  # the clip began before the track
    ],
)
def test_positions_read_as_minutes_and_tenths(seconds: float, shown: str) -> None:
    assert position(seconds) == shown
    assert clock(seconds) == shown  # timeline lines too


def test_rounding_never_gives_a_negative_zero() -> None:
    assert math.copysign(1.0, rounded(-0.0004, 3)) == 1.0
    assert json.dumps(rounded(-0.0004, 3)) == "0.0"
    assert rounded(-0.0016, 3) == -0.002


def test_the_web_app_shows_positions_and_a_missing_artist_as_the_cli_does() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the web app's format.js cannot run here")
    program = (
        f'import {{ offset, artist }} from "{(ASSETS / "js" / "format.js").as_uri()}";'
        f"console.log(JSON.stringify([{json.dumps(SAMPLES)}.map(offset), artist(null)]));"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", program], capture_output=True, text=True, check=True
    )
    shown, missing = json.loads(result.stdout)
    assert shown == [position(s) for s in SAMPLES]
    assert missing == artist(None) == MISSING_ARTIST == "Unknown artist"

"""`serve --ssl-certfile/--ssl-keyfile`: the app over HTTPS (what a phone on the LAN needs
for the microphone), and a clear refusal of half a TLS set-up."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from entrypoints.cli.main import main
from tests.browser.service import environment
from tests.support.tiny_clap import TINY_DIMENSION


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ssl-certfile", "cert.pem"], "--ssl-certfile and --ssl-keyfile go together"),
        (["--ssl-certfile", "nope.pem", "--ssl-keyfile", "nope.key"], "does not exist"),
    ],
)
def test_half_a_tls_set_up_is_refused(
    extra: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *extra]) == 2
    assert message in capsys.readouterr().err


def test_serve_speaks_https(
    database_url: str, tmp_path: Path, tiny_clap_dir: Path, unused_tcp_port: int
) -> None:
    cert, key = _certificate(tmp_path)
    env = environment(tmp_path / "storage", tiny_clap_dir, TINY_DIMENSION)
    env["DATABASE_URL"] = database_url
    command = [
        sys.executable,
        "-m",
        "entrypoints.cli.main",
        "serve",
        "--port",
        str(unused_tcp_port),
    ]
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen(
            [*command, "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        page = _first_answer(f"https://127.0.0.1:{unused_tcp_port}/", process, cert)
        assert '<script type="module" src="js/main.js">' in page.text
    finally:
        process.terminate()
        process.wait(timeout=40)
    # The log says which URL to open: https, since it serves TLS.
    lines = (tmp_path / "serve.log").read_text().splitlines()
    said = [json.loads(line) for line in lines if line.startswith("{")]
    ready = next(line for line in said if line.get("event") == "ready")
    assert ready["url"] == f"https://127.0.0.1:{unused_tcp_port}/"


def _first_answer(url: str, process: subprocess.Popen[bytes], cert: Path) -> httpx.Response:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "serve exited early"
        try:
            trusted = ssl.create_default_context(cafile=str(cert))  # our self-signed one
            return httpx.get(url, verify=trusted, timeout=5)
        except httpx.ConnectError:
            time.sleep(0.3)
    raise AssertionError("serve did not answer over HTTPS")

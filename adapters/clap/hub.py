"""Where the CLAP weights will come from, decided before torch is even imported.

Asked blindly, the hub client retries an unreachable host for about half a minute (five
tries with growing pauses) before transformers gives up, on every command that loads the
model. One TCP connect tells the same thing in milliseconds when the name does not
resolve, and in at most CONNECT_TIMEOUT_SECONDS when packets are dropped; the local cache
is looked at without a request.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from huggingface_hub import constants, try_to_load_from_cache

from domain.errors import LaneUnavailable

CONNECT_TIMEOUT_SECONDS = 3.0
# Behind a proxy a direct connect proves nothing: the hub client goes through the proxy.
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")
ADVICE = (
    "set EMBEDDING_MODEL to a directory holding a copy of the model, or to none to switch "
    "the vibe lane off"
)


@dataclass(frozen=True, slots=True)
class ModelSource:
    """What `from_pretrained` is given: a directory or a hub id, and whether it may only
    read the local cache (no download is possible)."""

    name: str  # as configured (EMBEDDING_MODEL)
    source: str
    local_files_only: bool


def locate(model: str) -> ModelSource:
    """The model's source, or LaneUnavailable at once when it cannot be had here."""
    source = str(Path(model).expanduser()) if model.startswith("~") else model
    if Path(source).is_dir():
        return ModelSource(model, source, local_files_only=True)
    if source.startswith(("/", ".")):
        raise unavailable(model, f"there is no model directory at {model!r}", "no_directory")
    offline = why_downloads_cannot_work()
    if offline is None:
        return ModelSource(model, source, local_files_only=False)
    if isinstance(try_to_load_from_cache(source, "config.json"), str):
        return ModelSource(model, source, local_files_only=True)  # downloaded before
    raise unavailable(
        model, f"the CLAP model {model!r} is not on this machine and {offline}", "offline"
    )


def why_downloads_cannot_work() -> str | None:
    """None when a download may be tried; else the reason none can, as a clause."""
    if constants.is_offline_mode():
        return "downloads are switched off (HF_HUB_OFFLINE)"
    if any(os.environ.get(name) for name in PROXY_VARIABLES):
        return None
    endpoint = urlsplit(constants.ENDPOINT)
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_SECONDS):
            return None
    except OSError as error:
        return f"{host} cannot be reached from this machine ({error.strerror or error})"


def unavailable(model: str, why: str, reason: str) -> LaneUnavailable:
    """The failure as one sentence that says what to do about it."""
    return LaneUnavailable(
        f"the vibe lane is unavailable: {why}; {ADVICE}", {"model": model, "reason": reason}
    )


def route_library_logs() -> None:
    """The hub client and transformers each print on a handler of their own; sent to ours
    instead, every line is printed once, in the service's format."""
    for name in ("huggingface_hub", "transformers"):
        library = logging.getLogger(name)
        library.handlers.clear()
        library.propagate = True

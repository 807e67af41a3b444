"""Every `audio-ident` command fixes glibc's mmap threshold first, so freed PCM buffers
leave the heap (bench/memory_ingest.py measures the effect: issue 13's soak grew 32 MB per
new track)."""

from __future__ import annotations

import platform

import pytest

from entrypoints.allocator import return_large_buffers
from entrypoints.cli import main as cli
from entrypoints.settings import Settings, SettingsError


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a glibc setting")
def test_the_threshold_is_fixed_on_glibc() -> None:
    assert return_large_buffers() is True


@pytest.mark.parametrize("command", [["serve"], ["worker"], ["ingest", "x.mp3"], ["monitor", "-"]])
def test_every_command_fixes_it_before_anything_else(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(cli, "return_large_buffers", lambda: calls.append("fixed") or True)

    def no_settings(cls: type[Settings]) -> Settings:
        calls.append("settings")
        raise SettingsError("stop here")

    monkeypatch.setattr(Settings, "from_env", classmethod(no_settings))
    assert cli.main(command) == 2
    assert calls == ["fixed", "settings"]

"""Settings: the fingerprint index's path under its new name and the earlier system's."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.settings import Settings, SettingsError


def test_the_fingerprint_index_lives_under_the_storage_root_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env({"AUDIO_STORAGE_ROOT": str(tmp_path)})
    assert settings.fingerprint_index_path == tmp_path / "lmdb"


def test_fingerprint_index_path_and_the_olaf_name_both_set_it(tmp_path: Path) -> None:
    new = Settings.from_env({"FINGERPRINT_INDEX_PATH": str(tmp_path / "new")})
    old = Settings.from_env({"OLAF_LMDB_PATH": str(tmp_path / "old")})
    assert new.fingerprint_index_path == tmp_path / "new"
    assert old.fingerprint_index_path == tmp_path / "old"


def test_both_names_at_once_are_refused(tmp_path: Path) -> None:
    env = {"FINGERPRINT_INDEX_PATH": str(tmp_path / "a"), "OLAF_LMDB_PATH": str(tmp_path / "b")}
    with pytest.raises(SettingsError, match="FINGERPRINT_INDEX_PATH or OLAF_LMDB_PATH"):
        Settings.from_env(env)

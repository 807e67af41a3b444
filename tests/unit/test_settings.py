"""Settings: the fingerprint index's path under its new name and the earlier system's, the
admission limits, the search limit in seconds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from entrypoints.settings import Settings, SettingsError, default_cpu_jobs


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


def test_a_redis_cluster_url_replaces_lmdb_and_is_checked() -> None:
    assert Settings.from_env({}).fingerprint_index_url is None
    chosen = Settings.from_env({"FINGERPRINT_INDEX_URL": "redis://10.0.0.5:7000"})
    assert chosen.fingerprint_index_url == "redis://10.0.0.5:7000"
    for wrong in ("http://10.0.0.5:7000", "redis://10.0.0.5", "redis://:7000", "redis://h:x"):
        with pytest.raises(SettingsError, match="redis://HOST:PORT"):
            Settings.from_env({"FINGERPRINT_INDEX_URL": wrong})
    both = {"FINGERPRINT_INDEX_URL": "redis://h:7000", "FINGERPRINT_INDEX_PATH": "/x"}
    with pytest.raises(SettingsError, match="FINGERPRINT_INDEX_URL or FINGERPRINT_INDEX_PATH"):
        Settings.from_env(both)


def test_admission_limits_default_to_the_cores_and_are_checked() -> None:
    settings = Settings.from_env({})
    assert settings.cpu_jobs == default_cpu_jobs() and settings.cpu_queue == settings.cpu_jobs
    assert 1 <= default_cpu_jobs() < max(2, len(os.sched_getaffinity(0)))
    assert settings.cpu_queue_seconds == 5.0
    tuned = Settings.from_env({"CPU_JOBS": "3", "CPU_QUEUE": "0", "CPU_QUEUE_SECONDS": "1.5"})
    assert (tuned.cpu_jobs, tuned.cpu_queue, tuned.cpu_queue_seconds) == (3, 0, 1.5)
    with pytest.raises(SettingsError, match="CPU_JOBS=0 is out of range"):
        Settings.from_env({"CPU_JOBS": "0"})
    with pytest.raises(SettingsError, match="CPU_QUEUE_SECONDS must be shorter"):
        Settings.from_env({"CPU_QUEUE_SECONDS": "30"})


def test_the_search_limit_is_seconds_and_the_byte_setting_is_retired(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert Settings.from_env({}).search_max_seconds == 60.0
    assert Settings.from_env({"SEARCH_MAX_SECONDS": "20"}).search_max_seconds == 20.0
    with pytest.raises(SettingsError, match=r"SEARCH_MAX_SECONDS=0\.5 is out of range"):
        Settings.from_env({"SEARCH_MAX_SECONDS": "0.5"})
    # An old environment still starts, told once why its byte limit no longer applies.
    with caplog.at_level("WARNING"):
        Settings.from_env({"SEARCH_MAX_UPLOAD_MB": "10"})
    assert [r.getMessage() for r in caplog.records] == [
        "SEARCH_MAX_UPLOAD_MB is ignored: the search limit is seconds of audio now "
        "(SEARCH_MAX_SECONDS, default 60); the upload's bytes are bounded by that"
    ]

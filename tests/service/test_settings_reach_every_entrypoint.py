"""One container for every entrypoint: a setting means the same thing in the CLI and HTTP."""

from __future__ import annotations

from pathlib import Path

from application.identify.identify_clip import IdentifyClip
from application.library.ingest_file import IngestFile
from entrypoints.http.app import create_app
from entrypoints.http.providers import ServeOptions
from entrypoints.settings import Settings
from entrypoints.wiring.container import command_scope
from entrypoints.wiring.role import ProcessRole


def _settings(database_url: str, root: Path) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "AUDIO_STORAGE_ROOT": str(root),
            "EMBEDDING_MODEL": "none",
            "SEARCH_LANE_TIMEOUT_SECONDS": "3.5",
            "SEARCH_DEADLINE_SECONDS": "9",
        }
    )


async def test_the_lane_timeout_reaches_the_cli_and_http_alike(
    database_url: str, tmp_path: Path
) -> None:
    settings = _settings(database_url, tmp_path)
    async with command_scope(settings, ProcessRole()) as cli:
        from_cli = await cli.get(IdentifyClip)
        assert isinstance(await cli.get(IngestFile), IngestFile)

    app = create_app(settings, ServeOptions(run_projections=False))
    container = app.state.dishka_container
    try:
        async with container() as request:
            from_http = await request.get(IdentifyClip)
    finally:
        await container.close()

    assert from_cli.policy.lane_timeout_seconds == 3.5
    assert from_http.policy == from_cli.policy

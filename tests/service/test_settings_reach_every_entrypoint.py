"""One container for every entrypoint: a setting means the same thing in the CLI and HTTP."""

from __future__ import annotations

from pathlib import Path

from application.identify.search_policy import SearchPolicy
from application.library.ingest_file import IngestFile
from application.timeline.policy import TimelinePolicy
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
            "TIMELINE_MAX_SECONDS": "600",
            "SEARCH_MAX_SECONDS": "45",
        }
    )


async def test_the_policies_reach_the_cli_and_http_alike(database_url: str, tmp_path: Path) -> None:
    settings = _settings(database_url, tmp_path)
    async with command_scope(settings, ProcessRole()) as cli:
        cli_search, cli_timeline = await cli.get(SearchPolicy), await cli.get(TimelinePolicy)
        assert isinstance(await cli.get(IngestFile), IngestFile)

    app = create_app(settings, ServeOptions(run_projections=False))
    container = app.state.dishka_container
    try:
        async with container() as request:
            http_search = await request.get(SearchPolicy)
            http_timeline = await request.get(TimelinePolicy)
    finally:
        await container.close()

    assert cli_search.lane_timeout_seconds == 3.5
    assert cli_search.deadline_seconds == 9.0
    assert cli_search.max_clip_seconds == 45.0
    assert cli_timeline.max_request_seconds == 600.0
    assert http_search == cli_search
    assert http_timeline == cli_timeline

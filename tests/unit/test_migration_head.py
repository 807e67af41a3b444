"""The newest revision that start-up compares a database with is Alembic's own head."""

from __future__ import annotations

from alembic.script import ScriptDirectory

import migrations
from adapters.postgres.migrate import alembic_config


def test_the_head_named_for_the_start_up_check_is_alembics() -> None:
    scripts = ScriptDirectory.from_config(alembic_config("postgresql://user@localhost/db"))
    assert scripts.get_heads() == [migrations.HEAD]

"""Migration 0005 on a database that already ran projections: every checkpoint, parked
event, receipt and replay request becomes the default node's, so a single install goes
on where it was (and its shared stores' copies too); going back keeps the default node's."""

from __future__ import annotations

import asyncio
import uuid

from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.postgres.migrate import alembic_config, upgrade_to_head
from adapters.postgres.unit_of_work import PostgresUnitOfWorkFactory
from domain.projections.nodes import ProjectionKey


async def test_existing_rows_become_the_default_nodes(
    database_url: str, engine: AsyncEngine
) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0004")
    track = uuid.uuid4()
    async with engine.begin() as conn:
        for statement in (
            "INSERT INTO projection_checkpoints (name, position) VALUES ('fingerprint', 41)",
            "INSERT INTO projection_checkpoints (name, position) VALUES ('embedding', 40)",
            "INSERT INTO parked_events (projection, position, error, attempts)"
            " VALUES ('fingerprint', 7, 'decoder crashed', 3)",
            "INSERT INTO replay_requests (projection) VALUES ('embedding')",
        ):
            await conn.execute(text(statement))
        await conn.execute(
            text(
                "INSERT INTO projection_receipts (projection, track_id, items, position)"
                " VALUES ('fingerprint', :track, 1200, 41)"
            ),
            {"track": track},
        )
    await engine.dispose()  # the migration alters these tables: no session may hold them
    await upgrade_to_head(database_url)

    fingerprint, embedding = ProjectionKey("fingerprint"), ProjectionKey("embedding")
    async with PostgresUnitOfWorkFactory(engine)() as uow:
        assert {k: p for k, (p, _) in (await uow.checkpoints.all()).items()} == {
            fingerprint: 41,
            embedding: 40,
        }
        assert [(p.key, p.position) for p in await uow.parked.list()] == [(fingerprint, 7)]
        assert await uow.receipts.for_projection(fingerprint) == {track: 1200}
        assert await uow.replays.pending(embedding) is not None
        # A second node's copy is a row of its own beside the default node's.
        await uow.checkpoints.save(ProjectionKey("fingerprint", "b"), 3)
        await uow.commit()
    await engine.dispose()

    await asyncio.to_thread(command.downgrade, alembic_config(database_url), "0004")
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT name, position FROM projection_checkpoints"))
        assert sorted(map(tuple, rows)) == [("embedding", 40), ("fingerprint", 41)]

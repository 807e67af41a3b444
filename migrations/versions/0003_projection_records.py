"""Parked (dead-letter) events, projection receipts and replay requests.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    default = None if nullable else sa.func.now()
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=default)


def upgrade() -> None:
    op.create_table(
        "parked_events",
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _when("parked_at", nullable=False),
        _when("retry_requested_at"),
    )
    op.create_table(
        "projection_receipts",
        sa.Column("projection", sa.Text, primary_key=True),
        sa.Column("track_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "replay_requests",
        sa.Column("id", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("projection", sa.Text, nullable=False),
        _when("requested_at", nullable=False),
        _when("started_at"),
        _when("finished_at"),
        sa.Column("progress_position", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("target_position", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("replay_requests")
    op.drop_table("projection_receipts")
    op.drop_table("parked_events")

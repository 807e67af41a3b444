"""Tracks, Chromaprint terms, the event log and projection checkpoints.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

NOTIFY_FUNCTION = """
CREATE FUNCTION audio_ident_notify_event() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('audio_ident_events', NEW.position::text);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audio_ident_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the events table is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("artist", sa.Text),
        sa.Column("album", sa.Text),
        sa.Column("duration_seconds", sa.Double, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("sample_rate", sa.Integer, nullable=False),
        sa.Column("channels", sa.Integer, nullable=False),
        sa.Column("bitrate", sa.Integer),
        sa.Column("file_size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False, unique=True),
        sa.Column("storage_key", sa.Text, nullable=False),
        sa.Column("chromaprint", pg.ARRAY(sa.Integer), nullable=False),
        sa.Column("original_filename", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "chromaprint_terms",
        sa.Column("term", sa.Integer, primary_key=True),
        sa.Column(
            "track_id",
            pg.UUID(as_uuid=True),
            sa.ForeignKey("tracks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_chromaprint_terms_track_id", "chromaprint_terms", ["track_id"])
    op.create_table(
        "events",
        sa.Column("position", sa.BigInteger, sa.Identity(always=True), primary_key=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("aggregate_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("payload", pg.JSONB, nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.create_index("ix_events_aggregate_id", "events", ["aggregate_id"])
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    op.execute(NOTIFY_FUNCTION)
    op.execute(
        "CREATE TRIGGER events_notify AFTER INSERT ON events "
        "FOR EACH ROW EXECUTE FUNCTION audio_ident_notify_event()"
    )
    # The log is append-only: the database itself refuses edits and deletions.
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(
        "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
        "FOR EACH ROW EXECUTE FUNCTION audio_ident_refuse_change()"
    )
    op.execute(
        "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audio_ident_refuse_change()"
    )


def downgrade() -> None:
    op.drop_table("projection_checkpoints")
    op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
    op.execute("DROP TRIGGER IF EXISTS events_no_truncate ON events")
    op.execute("DROP FUNCTION IF EXISTS audio_ident_refuse_change()")
    op.execute("DROP TRIGGER IF EXISTS events_notify ON events")
    op.execute("DROP FUNCTION IF EXISTS audio_ident_notify_event()")
    op.drop_table("events")
    op.drop_table("chromaprint_terms")
    op.drop_table("tracks")

"""Table definitions shared by the repositories and the Alembic migrations."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Double,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

metadata = MetaData()

tracks = Table(
    "tracks",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("title", Text, nullable=False),
    Column("artist", Text),
    Column("album", Text),
    Column("duration_seconds", Double, nullable=False),
    Column("format", Text, nullable=False),
    Column("sample_rate", Integer, nullable=False),
    Column("channels", Integer, nullable=False),
    Column("bitrate", Integer),
    Column("file_size", BigInteger, nullable=False),
    Column("sha256", Text, nullable=False, unique=True),
    Column("storage_key", Text, nullable=False),
    Column("chromaprint", ARRAY(Integer), nullable=False),
    Column("original_filename", Text),
    Column("codec", Text),  # migration 0004
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# Sparse Chromaprint terms: candidates for the near-duplicate check come from here, so
# a new file is compared with a handful of tracks instead of the whole library.
chromaprint_terms = Table(
    "chromaprint_terms",
    metadata,
    Column("term", Integer, primary_key=True),
    Column(
        "track_id",
        UUID(as_uuid=True),
        ForeignKey("tracks.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Index("ix_chromaprint_terms_track_id", "track_id"),
)

events = Table(
    "events",
    metadata,
    Column("position", BigInteger, Identity(always=True), primary_key=True),
    Column("type", Text, nullable=False),
    Column("aggregate_id", UUID(as_uuid=True), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_events_aggregate_id", "aggregate_id"),
)

projection_checkpoints = Table(
    "projection_checkpoints",
    metadata,
    Column("name", Text, primary_key=True),
    Column("node", Text, primary_key=True),  # migration 0005: one copy per serving node
    Column("position", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# Accounts of the HTTP API (migration 0002); usernames are stored normalized (lower case).
users = Table(
    "users",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("username", Text, nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

parked_events = Table(
    "parked_events",
    metadata,
    Column("projection", Text, primary_key=True),
    Column("node", Text, primary_key=True),
    Column("position", BigInteger, primary_key=True),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("retry_requested_at", DateTime(timezone=True)),
)

projection_receipts = Table(
    "projection_receipts",
    metadata,
    Column("projection", Text, primary_key=True),
    Column("node", Text, primary_key=True),
    Column("track_id", UUID(as_uuid=True), primary_key=True),
    Column("items", Integer, nullable=False),
    Column("position", BigInteger, nullable=False),
)

replay_requests = Table(
    "replay_requests",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("projection", Text, nullable=False),
    Column("node", Text, nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Column("progress_position", BigInteger, nullable=False, server_default="0"),
    Column("target_position", BigInteger, nullable=False, server_default="0"),
    Column("error", Text),
)

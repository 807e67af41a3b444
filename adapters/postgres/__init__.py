"""Postgres via SQLAlchemy Core on asyncpg: tracks, event log, checkpoints, locks."""

"""Alembic migrations of the Postgres schema (run automatically at start)."""

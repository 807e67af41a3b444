"""Alembic migrations of the Postgres schema (run automatically at start)."""

# The newest revision: a database at it needs no migration run (adapters/postgres/migrate.py).
# A new migration moves it; a test checks it against Alembic's own head.
HEAD = "0005"

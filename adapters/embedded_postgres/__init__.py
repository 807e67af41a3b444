"""A Postgres server run from pip-installed binaries when no DATABASE_URL is given."""

"""The codec of each track's stored file, which the best-copy rule weighs (lossless first).

Earlier rows keep NULL: the rule then judges by the container's name.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tracks", sa.Column("codec", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("tracks", "codec")

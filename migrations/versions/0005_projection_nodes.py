"""Serving nodes: checkpoints, parked events, receipts and replay requests per (projection, node).

Existing rows belong to the default node, `main`, which is what a single install keeps
being (and where projections on a store every node shares are kept), so no projection
starts over.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table: (its primary key's name, the key's columns before, after)
_KEYED = {
    "projection_checkpoints": (
        "projection_checkpoints_pkey",
        ["name"],
        ["name", "node"],
    ),
    "parked_events": (
        "parked_events_pkey",
        ["projection", "position"],
        ["projection", "node", "position"],
    ),
    "projection_receipts": (
        "projection_receipts_pkey",
        ["projection", "track_id"],
        ["projection", "node", "track_id"],
    ),
}


def upgrade() -> None:
    for table, (pkey, _, columns) in _KEYED.items():
        op.add_column(table, sa.Column("node", sa.Text, nullable=False, server_default="main"))
        op.alter_column(table, "node", server_default=None)
        op.drop_constraint(pkey, table, type_="primary")
        op.create_primary_key(pkey, table, columns)
    op.add_column(
        "replay_requests", sa.Column("node", sa.Text, nullable=False, server_default="main")
    )
    op.alter_column("replay_requests", "node", server_default=None)
    op.create_index("ix_replay_requests_projection_node", "replay_requests", ["projection", "node"])


def downgrade() -> None:
    op.drop_index("ix_replay_requests_projection_node", "replay_requests")
    op.drop_column("replay_requests", "node")
    for table, (pkey, columns, _) in _KEYED.items():
        # Only the default node's rows fit the key of one copy per projection.
        op.execute(sa.text(f"DELETE FROM {table} WHERE node <> 'main'"))
        op.drop_constraint(pkey, table, type_="primary")
        op.create_primary_key(pkey, table, columns)
        op.drop_column(table, "node")
